package anthropic

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/fuzzcorpus"
	"github.com/sira-ai/caddy-ai-backends/internal/providertest"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// seedFiles seeds a fuzz target with the testdata files pattern matches.
var seedFiles = fuzzcorpus.Files

// FuzzStreamTranslate: arbitrary bytes as an upstream event stream never
// panic, and every chunk keeps the stream's id, model and created time.
func FuzzStreamTranslate(f *testing.F) {
	seedFiles(f, "stream/*.sse")
	f.Add([]byte("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":-1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"x\"}}\n\n"))
	f.Add([]byte("event: error\ndata: {\"type\":\"error\",\"error\":null}\n\n"))
	f.Add([]byte("data: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":-5,\"input_tokens\":null}}\n\ndata: {\"type\":\"message_stop\"}\n\n"))
	f.Add([]byte("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"content\":5}}\n\n"))
	f.Add([]byte(":\n\nevent:\ndata\n\n"))
	f.Fuzz(func(t *testing.T, stream []byte) {
		var id, model string
		first := true
		providertest.TranslateEvents(stream, providertest.Watch(NewStreamTranslator(42), func(chunks []*providers.ChatChunk, err error) {
			if err != nil {
				if _, ok := err.(*providers.Error); !ok {
					t.Fatalf("unclassified error %T", err)
				}
				return
			}
			for _, c := range chunks {
				if first {
					id, model, first = c.ID, c.Model, false
				}
				if c.ID != id || c.Model != model || c.Created != 42 || c.Object != "chat.completion.chunk" {
					t.Fatalf("inconsistent chunk envelope %+v", c)
				}
				if u := c.Usage; u != nil && (u.PromptTokens < 0 || u.CompletionTokens < 0 || u.TotalTokens != u.PromptTokens+u.CompletionTokens) {
					t.Fatalf("bad usage %+v", u)
				}
			}
		}))
	})
}

// FuzzToAnthropic: any OpenAI-format request translates to valid JSON or a
// classified error, never a panic.
func FuzzToAnthropic(f *testing.F) {
	seedFiles(f, "to_anthropic/*.json")
	f.Add([]byte(`{"model":"m","messages":[{"role":"assistant","tool_calls":[{"id":"a b","function":{"name":"f","arguments":"[1"}}]}]}`))
	f.Add([]byte(`{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:;base64,"}}]}]}`))
	f.Add([]byte(`{"model":"m","messages":[{"role":"tool","content":[{"type":"text","text":" "}]}],"temperature":-3,"n":1}`))
	f.Add([]byte(`{"model":"m","messages":[{"role":"system","content":""},{"role":"assistant","content":"\t"}],"response_format":{"type":"json_schema","json_schema":5}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var req providers.ChatRequest
		if json.Unmarshal(body, &req) != nil {
			return
		}
		out, err := ToAnthropic(&req, Options{Model: "claude-3-5-sonnet", Stream: true})
		if err != nil {
			if _, ok := err.(*providers.Error); !ok {
				t.Fatalf("unclassified error %T", err)
			}
			return
		}
		var w struct {
			MaxTokens int               `json:"max_tokens"`
			Messages  []json.RawMessage `json:"messages"`
		}
		if err := json.Unmarshal(out, &w); err != nil {
			t.Fatalf("invalid JSON %v: %s", err, out)
		}
		if len(w.Messages) == 0 || w.MaxTokens < 1 {
			t.Fatalf("unsendable request: %s", out)
		}
		if bytes.Contains(out, []byte(`"text":""`)) {
			t.Fatalf("empty text block sent: %s", out)
		}
	})
}

// FuzzFromAnthropic: any response body translates or fails classified.
func FuzzFromAnthropic(f *testing.F) {
	seedFiles(f, "from_anthropic/*.json")
	f.Add([]byte(`{"type":"error","error":{"type":"overloaded_error"}}`))
	f.Add([]byte(`{"content":[{"type":"tool_use","input":"x"}],"usage":{"output_tokens_details":{"thinking_tokens":99}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		resp, err := FromAnthropic(body, 1)
		if err != nil {
			if _, ok := err.(*providers.Error); !ok {
				t.Fatalf("unclassified error %T", err)
			}
			return
		}
		if len(resp.Choices) != 1 {
			t.Fatal("want one choice")
		}
		if _, err := json.Marshal(resp); err != nil {
			t.Fatalf("unified response does not marshal: %v", err)
		}
	})
}
