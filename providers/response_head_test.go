package providers

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

const headSample = `{
  "id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
  "object": "chat.completion",
  "created": 1741569952,
  "model": "gpt-4.1-2025-04-14",
  "choices": [
    {
      "index": 0,
      "message": {"role": "assistant", "content": "Hello! \"quoted\" \u00e9", "refusal": null, "annotations": []},
      "logprobs": null,
      "finish_reason": "stop"
    }
  ],
  "usage": {
    "prompt_tokens": 19, "completion_tokens": 10, "total_tokens": 29,
    "prompt_tokens_details": {"cached_tokens": 4, "audio_tokens": 0},
    "completion_tokens_details": {"reasoning_tokens": 2, "audio_tokens": 0}
  },
  "service_tier": "default",
  "system_fingerprint": "fp_\u0031234"
}`

func TestDecodeChatHeadMatchesFullDecode(t *testing.T) {
	head, err := DecodeChatHead([]byte(headSample))
	if err != nil {
		t.Fatal(err)
	}
	var full ChatResponse
	if err := json.Unmarshal([]byte(headSample), &full); err != nil {
		t.Fatal(err)
	}
	if head.Choices != nil {
		t.Fatalf("choices decoded before LoadChoices: %+v", head.Choices)
	}
	if !bytes.Equal(head.Raw, []byte(headSample)) {
		t.Error("Raw is not the body as received")
	}
	if err := head.LoadChoices(); err != nil {
		t.Fatal(err)
	}
	head.Raw = nil
	if !reflect.DeepEqual(*head, full) {
		t.Errorf("head decode\n%+v\nfull decode\n%+v", *head, full)
	}
	if head.SystemFingerprint != "fp_1234" || head.Usage.CachedTokens() != 4 || head.Choices[0].Message.Content.String() != `Hello! "quoted" é` {
		t.Errorf("decoded %+v", head)
	}
	// A second call keeps what the first decoded.
	if err := head.LoadChoices(); err != nil || len(head.Choices) != 1 {
		t.Errorf("second LoadChoices: %v, %d choices", err, len(head.Choices))
	}
}

func TestDecodeChatHeadErrors(t *testing.T) {
	for name, body := range map[string]string{
		"not JSON":         `{"id": "x"`,
		"trailing garbage": `{"id": "x"} {}`,
		"array":            `[{"id": "x"}]`,
		"null":             `null`,
		"model type":       `{"model": 5}`,
		"created type":     `{"created": "yesterday"}`,
		"created fraction": `{"created": 1.5}`,
		"usage type":       `{"usage": [1]}`,
		"token type":       `{"usage": {"prompt_tokens": "many"}}`,
	} {
		if r, err := DecodeChatHead([]byte(body)); err == nil {
			t.Errorf("%s: no error, got %+v", name, r)
		}
	}
}

func TestDecodeChatHeadEdges(t *testing.T) {
	r, err := DecodeChatHead([]byte(`{"usage": {"prompt_tokens": 1}, "model": "a", "usage": {"completion_tokens": 2}, "model": "b\u00e9", "created": null, "usage2": 1}`))
	if err != nil {
		t.Fatal(err)
	}
	// Like encoding/json: the last member wins, a repeated object merges.
	if r.Model != "bé" || r.Usage == nil || r.Usage.PromptTokens != 1 || r.Usage.CompletionTokens != 2 || r.Created != 0 {
		t.Errorf("got %+v usage %+v", r, r.Usage)
	}
	if r, err = DecodeChatHead([]byte(`{"usage": null, "choices": "not a list"}`)); err != nil || r.Usage != nil {
		t.Fatalf("usage null: %v %+v", err, r)
	}
	// Choices are checked only when someone reads them.
	if err := r.LoadChoices(); err == nil {
		t.Error("LoadChoices accepted choices that are not a list")
	}
	// A response built in memory has nothing to load.
	built := &ChatResponse{Choices: []Choice{{Index: 0}}}
	if err := built.LoadChoices(); err != nil || len(built.Choices) != 1 {
		t.Errorf("LoadChoices on a built response: %v %+v", err, built.Choices)
	}
}

// FuzzDecodeChatHead: whenever encoding/json decodes a body into a
// ChatResponse, the head decoder agrees on every field it reads and
// LoadChoices yields the same choices. Inputs with upper case, escapes or
// non-ASCII bytes are skipped for the comparison: encoding/json matches member
// names case-insensitively (with Unicode folding), the head decoder exactly.
func FuzzDecodeChatHead(f *testing.F) {
	f.Add([]byte(headSample))
	f.Add([]byte(`{"id":"a","usage":{"prompt_tokens":1},"usage":{"total_tokens":3},"created":7}`))
	f.Add([]byte(`{"choices":[{"message":{"content":[{"type":"text","text":"x"}]}}],"model":null}`))
	f.Add([]byte(`{"usage":{"prompt_tokens":1,"prompt_tokens_details":{"cached_tokens":2},"prompt_tokens_details":{"audio_tokens":3},"total_tokens":1.0}}`))
	f.Add([]byte(`{"usage":{"completion_tokens_details":null,"x_tokens":{"a":[1]},"completion_tokens":-0}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		head, err := DecodeChatHead(body)
		var full ChatResponse
		fullErr := json.Unmarshal(body, &full)
		comparable := !bytes.ContainsFunc(body, func(r rune) bool { return r >= 'A' && r <= 'Z' || r >= 0x80 || r == '\\' })
		if fullErr != nil || !comparable || bytes.TrimSpace(body)[0] != '{' {
			return
		}
		if err != nil {
			t.Fatalf("full decode succeeded, head decode failed: %v", err)
		}
		if err := head.LoadChoices(); err != nil {
			t.Fatalf("LoadChoices: %v", err)
		}
		head.Raw = nil
		if !reflect.DeepEqual(*head, full) {
			t.Fatalf("head %+v\nfull %+v", *head, full)
		}
	})
}
