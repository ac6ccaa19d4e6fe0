package bedrock

import (
	"encoding/json"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// FuzzToConverse: any chat request the decoder accepts translates to valid
// JSON or to a classified error, never a panic.
func FuzzToConverse(f *testing.F) {
	f.Add(`{"messages":[{"role":"system","content":"s"},{"role":"user","content":[{"type":"text","text":"t","cache_control":{}},{"type":"image_url","image_url":{"url":"data:image/png;base64,AA"}}]}]}`, testClaude)
	f.Add(`{"reasoning_effort":"high","max_tokens":1,"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"none","messages":[{"role":"assistant","tool_calls":[{"id":"","function":{"name":"f","arguments":"["}}]},{"role":"tool","tool_call_id":"x"}]}`, testClaude)
	f.Add(`{"reasoning_effort":"low","tools":[{"type":"function","function":{"name":"f"}}],"messages":[{"role":"user","content":"x"},{"role":"assistant","thinking_blocks":[{"type":"thinking","thinking":"t","signature":"s"},{"type":"redacted_thinking","data":"d"},{"type":"other"}],"tool_calls":[{"id":"t","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"t","content":"ok"}]}`, testClaude)
	f.Add(`{"response_format":{"type":"json_schema","json_schema":{"schema":{}}},"stop":["a",""],"messages":[{"role":"developer","content":null}]}`, testNova)
	f.Fuzz(func(t *testing.T, raw, model string) {
		req := new(providers.ChatRequest)
		if json.Unmarshal([]byte(raw), req) != nil {
			return
		}
		req.Original = providers.OpenAIOriginal([]byte(raw))
		body, err := toConverse(req, converseOptions{Model: model})
		if err != nil {
			var e *providers.Error
			if !asProviderError(err, &e) || e.HTTPStatus() != 400 {
				t.Fatalf("unclassified error %v", err)
			}
			return
		}
		if !json.Valid(body) {
			t.Fatalf("invalid JSON: %s", body)
		}
	})
}

// FuzzFromConverse: any answer body decodes to a response or a classified
// error.
func FuzzFromConverse(f *testing.F) {
	f.Add(`{"output":{"message":{"role":"assistant","content":[{"text":"a"},{"toolUse":{"toolUseId":"t","name":"f","input":null}}]}},"stopReason":"tool_use","usage":{"inputTokens":-1}}`)
	f.Add(`{"output":{}}`)
	f.Add(`{"output":{"message":{"content":[{"reasoningContent":{"reasoningText":{"text":"t","signature":"s"}}},{"reasoningContent":{"redactedContent":"UkVE"}},{"reasoningContent":{}}]}}}`)
	f.Fuzz(func(t *testing.T, body string) {
		resp, err := fromConverse([]byte(body), "id", "m", 0)
		if err == nil && len(resp.Choices) != 1 {
			t.Fatalf("choices: %+v", resp.Choices)
		}
		if resp != nil && resp.Usage != nil && (resp.Usage.PromptTokens < 0 || resp.Usage.TotalTokens < 0) {
			t.Fatalf("negative usage %+v", resp.Usage)
		}
	})
}

func asProviderError(err error, dst **providers.Error) bool {
	e, ok := err.(*providers.Error)
	*dst = e
	return ok
}
