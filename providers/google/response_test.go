package google

import (
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// TestFromGemini: a Gemini answer in, the OpenAI completion it becomes.
func TestFromGemini(t *testing.T) {
	checkTranslations(t, []translationCase{
		{
			name: "text, thoughts as reasoning_content, usage mapped",
			in: `{"candidates":[{"content":{"role":"model","parts":[{"text":"Let me think","thought":true},{"text":"Hello"},{"text":" world","thoughtSignature":"c2ln"}]},"finishReason":"STOP","index":0}],
				"usageMetadata":{"promptTokenCount":12,"cachedContentTokenCount":4,"candidatesTokenCount":3,"thoughtsTokenCount":7,"totalTokenCount":22},
				"modelVersion":"gemini-2.5-flash","responseId":"r1"}`,
			want: `{"id":"r1","object":"chat.completion","created":1700000000,"model":"gemini-2.5-flash","choices":[
				{"index":0,"message":{"role":"assistant","content":"Hello world","reasoning_content":"Let me think"},"finish_reason":"stop","logprobs":null}],
				"usage":{"prompt_tokens":12,"completion_tokens":10,"total_tokens":22,"prompt_tokens_details":{"cached_tokens":4},"completion_tokens_details":{"reasoning_tokens":7}}}`,
		},
		{
			name: "function calls with STOP finish as tool_calls",
			in: `{"candidates":[{"content":{"role":"model","parts":[{"text":"Sure."},
				{"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"c2lnbmF0dXJl"},
				{"functionCall":{"id":"g-7","name":"get_time"}}]},"finishReason":"STOP"}],"responseId":"r2"}`,
			want: `{"id":"r2","object":"chat.completion","created":1700000000,"model":"fallback-model","choices":[
				{"index":0,"message":{"role":"assistant","content":"Sure.","tool_calls":[
					{"id":"call_` + syntheticCallID("r2", 0, 0, "get_weather", []byte(`{"city":"Paris"}`))[5:] + `__ts__c2lnbmF0dXJl","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
					{"id":"g-7","type":"function","function":{"name":"get_time","arguments":"{}"}}]},
				"finish_reason":"tool_calls","logprobs":null}]}`,
		},
		{
			name: "several candidates",
			in: `{"candidates":[{"content":{"parts":[{"text":"A"}]},"finishReason":"MAX_TOKENS","index":0},
				{"content":{"parts":[{"text":"B"}]},"finishReason":"SAFETY","index":1}],"responseId":"r3","modelVersion":"m"}`,
			want: `{"id":"r3","object":"chat.completion","created":1700000000,"model":"m","choices":[
				{"index":0,"message":{"role":"assistant","content":"A"},"finish_reason":"length","logprobs":null},
				{"index":1,"message":{"role":"assistant","content":"B"},"finish_reason":"content_filter","logprobs":null}]}`,
		},
		{
			name: "blocked prompt",
			in:   `{"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"},"usageMetadata":{"promptTokenCount":5,"totalTokenCount":5},"responseId":"r4","modelVersion":"m"}`,
			want: `{"id":"r4","object":"chat.completion","created":1700000000,"model":"m","choices":[
				{"index":0,"message":{"role":"assistant","content":null},"finish_reason":"content_filter","logprobs":null}],
				"usage":{"prompt_tokens":5,"completion_tokens":0,"total_tokens":5,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}`,
		},
		{
			name: "candidate without content",
			in:   `{"candidates":[{"finishReason":"RECITATION","index":0}],"responseId":"r5","modelVersion":"m"}`,
			want: `{"id":"r5","object":"chat.completion","created":1700000000,"model":"m","choices":[
				{"index":0,"message":{"role":"assistant","content":null},"finish_reason":"content_filter","logprobs":null}]}`,
		},
	}, func(t *testing.T, in string) (*providers.ChatResponse, error) {
		return fromGemini([]byte(in), "fallback-model", 1700000000)
	})
}

func TestFromGeminiStableIDs(t *testing.T) {
	body := []byte(`{"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","args":{"a":1}}},{"functionCall":{"name":"f","args":{"a":1}}}]},"finishReason":"STOP"}]}`)
	first, err := fromGemini(body, "m", 1)
	if err != nil {
		t.Fatal(err)
	}
	second, _ := fromGemini(body, "m", 2)
	a, b := first.Choices[0].Message.ToolCalls, second.Choices[0].Message.ToolCalls
	if a[0].ID != b[0].ID || a[1].ID != b[1].ID || first.ID != second.ID {
		t.Errorf("ids differ between identical answers: %v / %v", a, b)
	}
	if a[0].ID == a[1].ID {
		t.Errorf("two calls got the same id %q", a[0].ID)
	}
}

func TestFromGeminiGolden(t *testing.T) {
	got, err := fromGemini(readTestdata(t, "response_tools.gemini.json"), "gemini-2.5-pro", 1700000000)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "response_tools.openai.json", mustMarshal(t, got))
}

func TestFromGeminiInvalid(t *testing.T) {
	if _, err := fromGemini([]byte(`{"candidates":`), "m", 1); err == nil {
		t.Error("truncated JSON accepted")
	}
	_, err := fromGemini([]byte(`{"error":{"code":503,"message":"busy","status":"UNAVAILABLE"}}`), "m", 1)
	if k := kindOf(t, err); k != providers.KindOverloaded {
		t.Errorf("kind = %v, want overloaded", k)
	}
}

func TestFinishReason(t *testing.T) {
	tests := []struct {
		in     string
		called bool
		want   string
	}{
		{"STOP", false, "stop"},
		{"STOP", true, "tool_calls"},
		{"MAX_TOKENS", true, "tool_calls"},
		{"", false, "stop"},
		{"MAX_TOKENS", false, "length"},
		{"SAFETY", false, "content_filter"},
		{"RECITATION", false, "content_filter"},
		{"BLOCKLIST", false, "content_filter"},
		{"PROHIBITED_CONTENT", false, "content_filter"},
		{"SPII", false, "content_filter"},
		{"IMAGE_SAFETY", false, "content_filter"},
		{"IMAGE_PROHIBITED_CONTENT", false, "content_filter"},
		{"MALFORMED_FUNCTION_CALL", false, "stop"},
		{"OTHER", false, "stop"},
		{"LANGUAGE", false, "stop"},
		{"FINISH_REASON_UNSPECIFIED", false, "stop"},
		{"SOMETHING_NEW", false, "stop"},
	}
	for _, tt := range tests {
		if got := finishReason(tt.in, tt.called); got != tt.want {
			t.Errorf("finishReason(%q, %v) = %q, want %q", tt.in, tt.called, got, tt.want)
		}
	}
}

func TestUsageFrom(t *testing.T) {
	if usageFrom(nil) != nil {
		t.Error("nil usageMetadata should give nil usage")
	}
	u := usageFrom(&usageMetadata{PromptTokenCount: 100, CachedContentTokenCount: 60, CandidatesTokenCount: 20, ThoughtsTokenCount: 30, ToolUsePromptTokenCount: 5})
	if u.PromptTokens != 105 || u.CompletionTokens != 50 || u.TotalTokens != 155 || u.CachedTokens() != 60 || u.ReasoningTokens() != 30 {
		t.Errorf("usage = %+v", u)
	}
	tok := u.Tokens()
	if tok.Input != 45 || tok.CachedInput != 60 || tok.Output != 20 || tok.Reasoning != 30 {
		t.Errorf("priced tokens = %+v", tok)
	}
	if got := usageFrom(&usageMetadata{PromptTokenCount: 1, CandidatesTokenCount: 2, TotalTokenCount: 9}); got.TotalTokens != 9 {
		t.Errorf("totalTokenCount not taken as is: %+v", got)
	}
}
