package openai

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sira-ai/caddy-ai-backends/internal/fuzzcorpus"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

const fuzzKey = "sk-fuzz-secret-key"

// fuzzConfig is a provider config whose scrubber knows fuzzKey.
func fuzzConfig() *providers.Config {
	cfg := &providers.Config{Name: "fuzz"}
	cfg.Scrubber().Add(fuzzKey)
	return cfg
}

var streamSeeds = fuzzcorpus.Bodies{
	"data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n" +
		"data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n" +
		"data: {\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}\n\ndata: [DONE]\n\n",
	": keep-alive\r\n\r\ndata: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}}]}\r\n\r\ndata: [DONE]",
	"data: {\"error\":{\"message\":\"boom " + fuzzKey + "\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n",
	"event: error\ndata: {\"message\":\"bad\",\"code\":400}\n\n",
	"data: {\"object\":\"error\",\"message\":\"vllm\",\"type\":\"BadRequestError\",\"code\":400}\n\n",
	"data: {\"id\":\"x\"}\n\n",
	"data: {\"id\":\n",
	"data: not json\n\n",
	"data: {\"choices\":null}\ndata: \n\n",
	"",
	"retry: 10\nid: 4\n\n",
}

// FuzzChunkStream feeds arbitrary bodies to the stream parser: it must end
// with io.EOF or a classified error, never panic or loop, never hand out a
// chunk whose Raw is not JSON, and never repeat the key.
func FuzzChunkStream(f *testing.F) {
	cfg := fuzzConfig()
	streamSeeds.Fuzz(f, func(t *testing.T, body []byte) {
		s := newChunkStream(io.NopCloser(bytes.NewReader(body)), cfg)
		defer s.Close()
		for i := 0; i <= len(body)+1; i++ {
			c, err := s.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				var e *providers.Error
				if !errors.As(err, &e) {
					t.Fatalf("unclassified error %T: %v", err, err)
				}
				if strings.Contains(e.Error(), fuzzKey) || strings.Contains(e.Code, fuzzKey) {
					t.Fatalf("key in error: %q", e.Error())
				}
				if _, again := s.Next(); again != err {
					t.Fatalf("error not sticky: %v then %v", err, again)
				}
				return
			}
			if c == nil || !json.Valid(c.Raw) {
				t.Fatalf("chunk %+v with Raw %q", c, c.Raw)
			}
		}
		t.Fatal("stream did not end")
	})
}

// FuzzChatBody patches arbitrary JSON objects: the result must be valid
// JSON whose model (as any parser reads it) is the target's, or an error.
func FuzzChatBody(f *testing.F) {
	for _, s := range []string{
		`{"model":"a","messages":[],"stream":true,"stream_options":{"include_usage":false,"x":1}}`,
		`{"max_tokens":5,"model":"o1"}`,
		`{ }`,
		`{"model":"a","model":"b"}`,
		`{"mod\u0065l":"x"}`,
		`{"stream":true,"stream_options":null,"n":[{"model":"q"}]}`,
	} {
		f.Add([]byte(s), "o3-mini", true)
		f.Add([]byte(s), "gpt-4o", false)
	}
	f.Fuzz(func(t *testing.T, raw []byte, model string, stream bool) {
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil || obj == nil || model == "" || !utf8.ValidString(model) {
			return // the handler only hands over bodies that decoded as an object
		}
		p := &Provider{official: true}
		body, err := p.chatBody(providers.Target{Model: model}, &providers.ChatRequest{Original: providers.OpenAIOriginal(raw)}, stream)
		if err != nil {
			return
		}
		var got struct {
			Model         string          `json:"model"`
			Stream        json.RawMessage `json:"stream"`
			StreamOptions json.RawMessage `json:"stream_options"`
			MaxTokens     json.RawMessage `json:"max_tokens"`
		}
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatalf("patched body is not JSON: %v\n%s", err, body)
		}
		if got.Model != model || (string(got.Stream) == "true") != stream {
			t.Fatalf("model %q stream %v from %s", got.Model, got.Stream, body)
		}
		if stream {
			var so struct {
				IncludeUsage bool `json:"include_usage"`
			}
			if json.Unmarshal(got.StreamOptions, &so) != nil || !so.IncludeUsage {
				t.Fatalf("stream_options %s", got.StreamOptions)
			}
		}
		if isReasoningModel(model) && got.MaxTokens != nil && providers.GetTopLevel(raw, "max_completion_tokens") == nil {
			t.Fatalf("max_tokens left for %s: %s", model, body)
		}
	})
}

// FuzzParseErrorBody: any error body is handled without panicking.
func FuzzParseErrorBody(f *testing.F) {
	cfg := fuzzConfig()
	errorBodies := fuzzcorpus.Bodies{`{"error":{"message":"m","code":1}}`, `{"error":"x"}`, `{"detail":"d"}`, `<html>`, `{"message":"m","code":"500"}`}
	errorBodies.Fuzz(f, func(t *testing.T, body []byte) {
		e := cfg.Scrub(upstreamError("fuzz", 500, nil, body))
		if e == nil || e.Message == "" || strings.Contains(e.Error(), fuzzKey) {
			t.Fatalf("error %+v", e)
		}
	})
}

// FuzzChunkParser holds the fast chunk parser to encoding/json: whatever it
// accepts must decode to exactly what encoding/json makes of it, on a fresh
// parser and on one that has seen another chunk.
func FuzzChunkParser(f *testing.F) {
	for _, s := range []string{
		`{"id":"c","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o","service_tier":"default","system_fingerprint":"fp_1","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}`,
		`{"id":"c","choices":[{"index":0,"delta":{"content":" wörd"},"logprobs":null,"finish_reason":null}],"obfuscation":"abc"}`,
		`{"id":"c","choices":[{"index":1,"delta":{},"finish_reason":"stop"}]}`,
		`{"id":"c","choices":[],"usage":{"prompt_tokens":1}}`,
		`{"usage":{"prompt_tokens":1,"completion_tokens_details":{"reasoning_tokens":2}},"usage":null}`,
		`{"usage":{"total_tokens":3,"prompt_tokens_details":null}}`,
		`{"choices":null,"created":-0}`,
		` { "id" : "x" , "created" : 12 } `,
		`{"id":"a","id":"b"}`,
		`{"created":1e3}`,
		`{"id":"\n"}`,
	} {
		f.Add([]byte(s))
	}
	// The warm-up leaves strings to reuse and two choices in the reused
	// buffer: nothing of them may show through in the next chunk.
	warm := `{"id":"c","object":"chat.completion.chunk","model":"gpt-4o","system_fingerprint":"fp_1",` +
		`"choices":[{"index":0,"delta":{"role":"assistant","content":"x"},"finish_reason":null},{"index":1,"delta":{"refusal":"r"},"finish_reason":"stop","logprobs":null}]}`
	f.Fuzz(func(t *testing.T, data []byte) {
		var fresh chunkParser
		got, ok := fresh.parse(data)
		if !ok {
			return
		}
		var want providers.ChatChunk
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatalf("fast parser accepted what encoding/json rejects (%v): %s", err, data)
		}
		if !reflect.DeepEqual(got, &want) {
			t.Fatalf("fast %+v\njson %+v\nfrom %s", got, &want, data)
		}
		var warmed chunkParser
		if _, ok := warmed.parse([]byte(warm)); !ok {
			t.Fatal("warm-up chunk declined")
		}
		if again, _ := warmed.parse(data); !reflect.DeepEqual(again, &want) {
			t.Fatalf("warmed parser: %+v", again)
		}
	})
}
