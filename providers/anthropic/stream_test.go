package anthropic

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/providertest"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// translateAll runs a recorded event stream through a StreamTranslator.
func translateAll(t testing.TB, stream []byte) ([]*providers.ChatChunk, *StreamTranslator, error) {
	t.Helper()
	tr := NewStreamTranslator(1700000000)
	out, err := providertest.TranslateEvents(stream, tr)
	return out, tr, err
}

func chunkLines(t *testing.T, chunks []*providers.ChatChunk) []string {
	t.Helper()
	lines := make([]string, len(chunks))
	for i, c := range chunks {
		lines[i] = mustJSON(t, c)
	}
	return lines
}

// TestStreamToolUseExactSequence pins every chunk produced from a recorded
// stream with thinking, text, a tool call split mid-token, and a tool with
// no input. The thinking streams as reasoning_content and comes whole, with
// its signature, as thinking_blocks when its block stops.
func TestStreamToolUseExactSequence(t *testing.T) {
	chunks, _, err := translateAll(t, readTestdata(t, "stream/tool_use.sse"))
	if err != nil {
		t.Fatal(err)
	}
	const head = `"id":"msg_014p7gG3wDgGV9EUtLvnow3U","object":"chat.completion.chunk","created":1700000000,"model":"claude-sonnet-4-5-20250929"`
	want := []string{
		`{` + head + `,"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}`,
		`{` + head + `,"choices":[{"index":0,"delta":{"reasoning_content":"Need weather for two cities."},"finish_reason":null}]}`,
		`{` + head + `,"choices":[{"index":0,"delta":{"thinking_blocks":[{"type":"thinking","thinking":"Need weather for two cities.","signature":"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"}]},"finish_reason":null}]}`,
		`{` + head + `,"choices":[{"index":0,"delta":{"content":"Okay, let's check"},"finish_reason":null}]}`,
		`{` + head + `,"choices":[{"index":0,"delta":{"content":" the weather."},"finish_reason":null}]}`,
		`{` + head + `,"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null}]}`,
		`{` + head + `,"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"loca"}}]},"finish_reason":null}]}`,
		`{` + head + `,"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"tion\": \"San Fra"}}]},"finish_reason":null}]}`,
		`{` + head + `,"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"ncisco, C"}}]},"finish_reason":null}]}`,
		`{` + head + `,"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"A\", \"unit\": \"°F\\\"\"}"}}]},"finish_reason":null}]}`,
		`{` + head + `,"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"toolu_02Bx","type":"function","function":{"name":"get_time","arguments":""}}]},"finish_reason":null}]}`,
		`{` + head + `,"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{}"}}]},"finish_reason":null}]}`,
		`{` + head + `,"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}`,
		`{` + head + `,"choices":[],"usage":{"prompt_tokens":2572,"completion_tokens":89,"total_tokens":2661,"prompt_tokens_details":{"cached_tokens":2000},"completion_tokens_details":{"reasoning_tokens":0}}}`,
	}
	got := chunkLines(t, chunks)
	if len(got) != len(want) {
		t.Fatalf("got %d chunks, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("chunk %d\n got %s\nwant %s", i, got[i], want[i])
		}
	}
	if cw := chunks[len(chunks)-1].Usage.CacheWriteTokens; cw != 100 {
		t.Errorf("cache write tokens = %d", cw)
	}
}

// TestStreamArgumentsReassemble checks that the fragments of each tool
// index concatenate to the exact input JSON: no fragment lost or reordered.
func TestStreamArgumentsReassemble(t *testing.T) {
	chunks, _, err := translateAll(t, readTestdata(t, "stream/tool_use.sse"))
	if err != nil {
		t.Fatal(err)
	}
	args := map[int]string{}
	for _, c := range chunks {
		for _, ch := range c.Choices {
			for _, tc := range ch.Delta.ToolCalls {
				args[*tc.Index] += tc.Function.Arguments
			}
		}
	}
	var in map[string]string
	if err := json.Unmarshal([]byte(args[0]), &in); err != nil || in["location"] != "San Francisco, CA" || in["unit"] != `°F"` {
		t.Errorf("tool 0 arguments %q: %v", args[0], err)
	}
	if args[1] != "{}" {
		t.Errorf("tool 1 arguments %q", args[1])
	}
}

// TestStreamUsageNotDoubleCounted: message_start and message_delta both
// report input tokens, and output tokens twice (2, then 89): the last value
// of each counts, nothing is summed.
func TestStreamUsageNotDoubleCounted(t *testing.T) {
	_, tr, err := translateAll(t, readTestdata(t, "stream/tool_use.sse"))
	if err != nil {
		t.Fatal(err)
	}
	u := tr.Usage()
	if u.PromptTokens != 472+100+2000 || u.CompletionTokens != 89 || u.CachedTokens() != 2000 || u.CacheWriteTokens != 100 {
		t.Errorf("usage = %+v", u)
	}
	// The classic stream: input only at message_start, output only in message_delta.
	chunks, tr, err := translateAll(t, readTestdata(t, "stream/text_old_usage.sse"))
	if err != nil {
		t.Fatal(err)
	}
	if u := tr.Usage(); u.PromptTokens != 25 || u.CompletionTokens != 15 || u.TotalTokens != 40 {
		t.Errorf("usage = %+v", u)
	}
	golden(t, "stream/text_old_usage.golden.jsonl", []byte(strings.Join(chunkLines(t, chunks), "\n")))
}

func TestStreamEvents(t *testing.T) {
	start := `{"type":"message_start","message":{"id":"msg_1","model":"m","usage":{"input_tokens":5,"output_tokens":1}}}`
	tests := []struct {
		name   string
		events [][2]string // event name, data
		want   []string    // compact chunk deltas/finish/usage, "" = envelope omitted
	}{
		{
			name:   "message_stop without message_delta still finishes",
			events: [][2]string{{"message_start", start}, {"message_stop", `{"type":"message_stop"}`}},
			want: []string{`{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}`,
				`{"index":0,"delta":{},"finish_reason":"stop"}`, `usage 5+1`},
		},
		{
			name: "unknown events, pings and unknown deltas are ignored",
			events: [][2]string{{"message_start", start}, {"ping", `{"type":"ping"}`}, {"future_event", `{"type":"future_event","x":1}`},
				{"content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{}}}`},
				{"content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"q\":1}"}}`},
				{"content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"citations_delta","citation":{}}}`},
				{"content_block_stop", `{"type":"content_block_stop","index":0}`}},
			want: []string{`{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}`},
		},
		{
			name: "max_tokens and refusal map to length and content_filter",
			events: [][2]string{{"message_start", start},
				{"message_delta", `{"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":{"output_tokens":7}}`},
				{"message_delta", `{"type":"message_delta","delta":{"stop_reason":"refusal"},"usage":{"output_tokens":8}}`}},
			want: []string{`{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}`,
				`{"index":0,"delta":{},"finish_reason":"length"}`},
		},
		{
			name: "text in content_block_start and a tool input given whole at start",
			events: [][2]string{{"message_start", start},
				{"content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":"Hi"}}`},
				{"content_block_start", `{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"t","name":"f","input":{"a": 1}}}`},
				{"content_block_stop", `{"type":"content_block_stop","index":1}`}},
			want: []string{`{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}`,
				`{"index":0,"delta":{"content":"Hi"},"finish_reason":null}`,
				`{"index":0,"delta":{"tool_calls":[{"index":0,"id":"t","type":"function","function":{"name":"f","arguments":""}}]},"finish_reason":null}`,
				`{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"a\":1}"}}]},"finish_reason":null}`},
		},
		{
			name: "content before message_start still carries the role",
			events: [][2]string{{"content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"}}`},
				{"message_start", start}},
			want: []string{`{"index":0,"delta":{"role":"assistant","content":"x"},"finish_reason":null}`},
		},
		{
			name:   "events after message_stop are ignored",
			events: [][2]string{{"message_stop", `{"type":"message_stop"}`}, {"content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"late"}}`}},
			want:   []string{`{"index":0,"delta":{"role":"assistant"},"finish_reason":"stop"}`},
		},
		{
			name:   "a future event of another shape is skipped",
			events: [][2]string{{"message_start", start}, {"thought_summary", `{"type":"thought_summary","message":"not an object","index":"x"}`}},
			want:   []string{`{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}`},
		},
		{
			name:   "type taken from the event name when data has none",
			events: [][2]string{{"message_start", `{"message":{"id":"msg_2","model":"m"}}`}},
			want:   []string{`{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := NewStreamTranslator(1)
			var got []string
			for _, ev := range tt.events {
				chunks, err := tr.Translate(ev[0], []byte(ev[1]))
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range chunks {
					if len(c.Choices) == 0 {
						got = append(got, "usage "+itoa(c.Usage.PromptTokens)+"+"+itoa(c.Usage.CompletionTokens))
						continue
					}
					got = append(got, mustJSON(t, c.Choices[0]))
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestStreamErrorEvents(t *testing.T) {
	tests := []struct {
		name, event, data string
		kind              providers.Kind
	}{
		{"overloaded", "error", `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`, providers.KindOverloaded},
		{"rate limit", "error", `{"type":"error","error":{"type":"rate_limit_error","message":"slow"}}`, providers.KindRateLimited},
		{"api error", "error", `{"type":"error","error":{"type":"api_error","message":"boom"}}`, providers.KindUpstream},
		{"unknown type", "error", `{"type":"error","error":{"type":"brand_new_error","message":"?"}}`, providers.KindUpstream},
		{"bare error object", "error", `{"type":"overloaded_error","message":"Overloaded"}`, providers.KindOverloaded},
		{"no details", "error", `{"type":"error"}`, providers.KindUpstream},
		{"malformed data", "content_block_delta", `{"type":`, providers.KindUpstream},
		{"known event, wrong shape", "message_start", `{"type":"message_start","message":"x"}`, providers.KindUpstream},
		{"garbage without a name", "", `not json`, providers.KindUpstream},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewStreamTranslator(1).Translate(tt.event, []byte(tt.data))
			if err == nil {
				t.Fatal("no error")
			}
			if k := asKind(t, err); k != tt.kind {
				t.Errorf("kind %v, want %v (%v)", k, tt.kind, err)
			}
		})
	}
}

func TestStreamEndsEarly(t *testing.T) {
	full := readTestdata(t, "stream/text_old_usage.sse")
	cut := full[:bytes.Index(full, []byte("event: message_delta"))]
	_, tr, err := translateAll(t, cut)
	if !errors.Is(err, io.EOF) || tr.Done() {
		t.Errorf("a stream without message_stop must not look complete: %v", err)
	}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}
