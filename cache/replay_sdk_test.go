package cache

import (
	"encoding/json"
	"testing"

	"github.com/openai/openai-go/v3"
)

// TestReplayThroughOpenAISDK feeds the replayed chunks to the official Go
// SDK's stream accumulator: it must rebuild the cached completion.
func TestReplayThroughOpenAISDK(t *testing.T) {
	resp := decodeResponse(t, `{"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gpt-4o",
		"choices":[
			{"index":0,"message":{"role":"assistant","content":"Hello there."},"finish_reason":"stop"},
			{"index":1,"message":{"role":"assistant","content":null,"tool_calls":[
				{"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
				{"id":"call_b","type":"function","function":{"name":"get_time","arguments":"{}"}}]},"finish_reason":"tool_calls"}],
		"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}`)
	var acc openai.ChatCompletionAccumulator
	for i, c := range ReplayChunks(resp, true) {
		data, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		var chunk openai.ChatCompletionChunk
		if err := json.Unmarshal(data, &chunk); err != nil {
			t.Fatalf("chunk %d: %v", i, err)
		}
		if !acc.AddChunk(chunk) {
			t.Fatalf("accumulator refused chunk %d: %s", i, data)
		}
	}
	if len(acc.Choices) != 2 {
		t.Fatalf("%d choices", len(acc.Choices))
	}
	text := acc.Choices[0]
	if text.Message.Content != "Hello there." || text.FinishReason != "stop" || text.Message.Role != "assistant" {
		t.Errorf("choice 0: %+v", text)
	}
	tools := acc.Choices[1]
	if tools.FinishReason != "tool_calls" || len(tools.Message.ToolCalls) != 2 || tools.Message.Content != "" {
		t.Fatalf("choice 1: %+v", tools)
	}
	if tc := tools.Message.ToolCalls[0]; tc.ID != "call_a" || tc.Function.Name != "get_weather" || tc.Function.Arguments != `{"city":"Paris"}` {
		t.Errorf("tool call 0: %+v", tc)
	}
	if tc := tools.Message.ToolCalls[1]; tc.ID != "call_b" || tc.Function.Name != "get_time" || tc.Function.Arguments != "{}" {
		t.Errorf("tool call 1: %+v", tc)
	}
	if acc.Usage.TotalTokens != 12 || acc.ID != "chatcmpl-1" || acc.Model != "gpt-4o" {
		t.Errorf("usage %+v id %q model %q", acc.Usage, acc.ID, acc.Model)
	}
}
