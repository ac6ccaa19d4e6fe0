package cache

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// replayJSON renders the replayed chunks one JSON document per line.
func replayJSON(t *testing.T, resp *providers.ChatResponse, includeUsage bool) string {
	t.Helper()
	var lines []string
	for _, c := range ReplayChunks(resp, includeUsage) {
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, string(b))
	}
	return strings.Join(lines, "\n")
}

func decodeResponse(t *testing.T, body string) *providers.ChatResponse {
	t.Helper()
	var resp providers.ChatResponse
	if err := json.Unmarshal([]byte(body), &resp); err != nil {
		t.Fatal(err)
	}
	return &resp
}

func checkLines(t *testing.T, got string, want ...string) {
	t.Helper()
	if w := strings.Join(want, "\n"); got != w {
		t.Errorf("chunks:\n%s\nwant:\n%s", got, w)
	}
}

const env = `"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o","system_fingerprint":"fp_1"`

func TestReplayText(t *testing.T) {
	resp := decodeResponse(t, `{"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gpt-4o","system_fingerprint":"fp_1",
		"choices":[{"index":0,"message":{"role":"assistant","content":"Hello there."},"finish_reason":"stop","logprobs":null}],
		"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}`)
	checkLines(t, replayJSON(t, resp, false),
		`{`+env+`,"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}`,
		`{`+env+`,"choices":[{"index":0,"delta":{"content":"Hello there."},"finish_reason":null}]}`,
		`{`+env+`,"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`,
	)
	checkLines(t, replayJSON(t, resp, true),
		`{`+env+`,"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}`,
		`{`+env+`,"choices":[{"index":0,"delta":{"content":"Hello there."},"finish_reason":null}]}`,
		`{`+env+`,"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`,
		`{`+env+`,"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}`,
	)
}

func TestReplayToolCalls(t *testing.T) {
	resp := decodeResponse(t, `{"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gpt-4o","system_fingerprint":"fp_1",
		"choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
			{"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
			{"id":"call_b","type":"function","function":{"name":"get_time","arguments":"{}"}}]},
		"finish_reason":"tool_calls"}],
		"usage":{"prompt_tokens":20,"completion_tokens":10,"total_tokens":30,"prompt_tokens_details":{"cached_tokens":5}}}`)
	checkLines(t, replayJSON(t, resp, true),
		`{`+env+`,"choices":[{"index":0,"delta":{"role":"assistant"},"finish_reason":null}]}`,
		`{`+env+`,"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},"finish_reason":null}]}`,
		`{`+env+`,"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"get_time","arguments":"{}"}}]},"finish_reason":null}]}`,
		`{`+env+`,"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}`,
		`{`+env+`,"choices":[],"usage":{"prompt_tokens":20,"completion_tokens":10,"total_tokens":30,"prompt_tokens_details":{"cached_tokens":5}}}`,
	)
}

func TestReplayTextAndToolCall(t *testing.T) {
	resp := decodeResponse(t, `{"id":"chatcmpl-1","created":1700000000,"model":"gpt-4o","system_fingerprint":"fp_1",
		"choices":[{"index":0,"message":{"role":"assistant","content":"Checking.","tool_calls":[
			{"id":"call_a","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}`)
	checkLines(t, replayJSON(t, resp, false),
		`{`+env+`,"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}`,
		`{`+env+`,"choices":[{"index":0,"delta":{"content":"Checking."},"finish_reason":null}]}`,
		`{`+env+`,"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":null}]}`,
		`{`+env+`,"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}`,
	)
}

func TestReplaySeveralChoicesRefusalLogprobs(t *testing.T) {
	resp := decodeResponse(t, `{"id":"chatcmpl-1","created":1700000000,"model":"gpt-4o","system_fingerprint":"fp_1",
		"choices":[
			{"index":0,"message":{"role":"assistant","content":"A"},"finish_reason":"length","logprobs":{"content":[]}},
			{"index":1,"message":{"role":"assistant","content":null,"refusal":"No."},"finish_reason":""}]}`)
	checkLines(t, replayJSON(t, resp, true),
		`{`+env+`,"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}`,
		`{`+env+`,"choices":[{"index":0,"delta":{"content":"A"},"finish_reason":null,"logprobs":{"content":[]}}]}`,
		`{`+env+`,"choices":[{"index":0,"delta":{},"finish_reason":"length"}]}`,
		`{`+env+`,"choices":[{"index":1,"delta":{"role":"assistant","content":""},"finish_reason":null}]}`,
		`{`+env+`,"choices":[{"index":1,"delta":{"refusal":"No."},"finish_reason":null}]}`,
		`{`+env+`,"choices":[{"index":1,"delta":{},"finish_reason":"stop"}]}`,
		`{`+env+`,"choices":[],"usage":{"prompt_tokens":0,"completion_tokens":0,"total_tokens":0}}`,
	)
}

func TestReplayDoesNotAliasResponse(t *testing.T) {
	resp := decodeResponse(t, `{"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":"A"},"finish_reason":"stop"}],
		"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}`)
	chunks := ReplayChunks(resp, true)
	chunks[len(chunks)-1].Usage.TotalTokens = 99
	if resp.Usage.TotalTokens != 2 {
		t.Error("usage chunk aliases the response's usage")
	}
	if ReplayChunks(nil, true) != nil {
		t.Error("nil response replayed")
	}
}
