package anthropic

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/providertest"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// openAIChunks is a typical OpenAI stream: role, text, two tool calls with
// split arguments, the finish chunk, then the usage chunk.
func openAIChunks(t *testing.T) []*providers.ChatChunk {
	t.Helper()
	lines := []string{
		`{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}`,
		`{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":"Let me "},"finish_reason":null}]}`,
		`{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":"check."},"finish_reason":null}]}`,
		`{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_A","type":"function","function":{"name":"weather","arguments":""}}]},"finish_reason":null}]}`,
		`{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"ci"}}]},"finish_reason":null}]}`,
		`{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"ty\":\"Paris\"}"}}]},"finish_reason":null}]}`,
		`{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_B","type":"function","function":{"name":"clock","arguments":"{}"}}]},"finish_reason":null}]}`,
		`{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}`,
		`{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[],"usage":{"prompt_tokens":50,"completion_tokens":20,"total_tokens":70,"prompt_tokens_details":{"cached_tokens":30}}}`,
	}
	return providertest.ChunksJSON(t, lines...)
}

func TestStreamEncoderExactEvents(t *testing.T) {
	enc := NewStreamEncoder("public-model")
	var buf bytes.Buffer
	for _, c := range openAIChunks(t) {
		if err := enc.Encode(c, &buf); err != nil {
			t.Fatal(err)
		}
	}
	if err := enc.Finish(&buf, nil); err != nil {
		t.Fatal(err)
	}
	want := sse(t,
		`{"type":"message_start","message":{"id":"msg_chatcmpl-1","type":"message","role":"assistant","model":"public-model","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0}}}`,
		`{"type":"ping"}`,
		`{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`,
		`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Let me "}}`,
		`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"check."}}`,
		`{"type":"content_block_stop","index":0}`,
		`{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"call_A","name":"weather","input":{}}}`,
		`{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"ci"}}`,
		`{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"ty\":\"Paris\"}"}}`,
		`{"type":"content_block_stop","index":1}`,
		`{"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"call_B","name":"clock","input":{}}}`,
		`{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{}"}}`,
		`{"type":"content_block_stop","index":2}`,
		`{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"input_tokens":20,"cache_creation_input_tokens":0,"cache_read_input_tokens":30,"output_tokens":20}}`,
		`{"type":"message_stop"}`,
	)
	if got := buf.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// Nothing after the end.
	buf.Reset()
	_ = enc.Encode(openAIChunks(t)[1], &buf)
	_ = enc.Finish(&buf, nil)
	if buf.Len() != 0 {
		t.Errorf("wrote after message_stop: %s", buf.String())
	}
}

func TestStreamEncoderErrorMidStream(t *testing.T) {
	enc := NewStreamEncoder("m")
	var buf bytes.Buffer
	_ = enc.Encode(openAIChunks(t)[1], &buf)
	err := &providers.Error{Kind: providers.KindOverloaded, Message: "Overloaded"}
	if e := enc.Finish(&buf, err); e != nil {
		t.Fatal(e)
	}
	out := buf.String()
	wantTail := "event: error\ndata: {\"error\":{\"message\":\"Overloaded\",\"type\":\"overloaded_error\"},\"type\":\"error\"}\n\n"
	if !strings.HasSuffix(out, wantTail) || strings.Contains(out, "message_stop") || strings.Contains(out, "[DONE]") {
		t.Errorf("got\n%s", out)
	}
}

func TestStreamEncoderEdgeCases(t *testing.T) {
	// No chunk at all: a complete, empty message.
	var buf bytes.Buffer
	enc := NewStreamEncoder("m")
	_ = enc.Finish(&buf, nil)
	names := eventNames(buf.String())
	if names != "message_start,ping,message_delta,message_stop" || !strings.Contains(buf.String(), `"usage":{"output_tokens":0}`) {
		t.Errorf("empty stream: %s\n%s", names, buf.String())
	}

	// Text after a tool call opens a new text block; a fragment for the first
	// call after the second began reaches the first block, which is still
	// open, and the second waits for it; length → max_tokens.
	buf.Reset()
	enc = NewStreamEncoder("m")
	zero, one := 0, 1
	text := func(s string) *providers.ChatChunk {
		return &providers.ChatChunk{ID: "msg_keep", Choices: []providers.ChunkChoice{{Delta: providers.Delta{Content: &s}}}}
	}
	call := func(i *int, id, name, args string) *providers.ChatChunk {
		return &providers.ChatChunk{Choices: []providers.ChunkChoice{{Delta: providers.Delta{ToolCalls: []providers.ToolCall{{Index: i, ID: id, Function: providers.FunctionCall{Name: name, Arguments: args}}}}}}}
	}
	length := "length"
	refusal := "no"
	for _, c := range []*providers.ChatChunk{
		call(nil, "", "f", `{"a"`), call(&one, "c2", "g", `{}`), call(&zero, "", "", `:1}`), text("after"),
		{Choices: []providers.ChunkChoice{{Index: 1, Delta: providers.Delta{Content: &refusal}}}}, // second choice ignored
		{Choices: []providers.ChunkChoice{{Delta: providers.Delta{Refusal: &refusal}, FinishReason: &length}}},
	} {
		_ = enc.Encode(c, &buf)
	}
	_ = enc.Finish(&buf, nil)
	out := buf.String()
	if names := eventNames(out); names != "message_start,ping,content_block_start,content_block_delta,content_block_delta,content_block_stop,content_block_start,"+
		"content_block_delta,content_block_stop,content_block_start,content_block_delta,content_block_delta,content_block_stop,message_delta,message_stop" {
		t.Errorf("events %s", names)
	}
	for _, want := range []string{
		`"content_block":{"type":"tool_use","id":"toolu_`, `{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":":1}"}}`,
		`"index":2,"content_block":{"type":"text","text":""}`, `"text":"after"`, `"text":"no"`, `"stop_reason":"max_tokens"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %s in\n%s", want, out)
		}
	}
	if strings.Count(out, `"text":"no"`) != 1 {
		t.Error("a second choice leaked into the message")
	}
}

// TestStreamTranslatorEncoderRoundTrip: an Anthropic stream translated to
// unified chunks and encoded back carries the same text, tool calls, stop
// reason and usage.
func TestStreamTranslatorEncoderRoundTrip(t *testing.T) {
	chunks, _, err := translateAll(t, readTestdata(t, "../../../providers/anthropic/testdata/stream/tool_use.sse"))
	if err != nil {
		t.Fatal(err)
	}
	enc := NewStreamEncoder("claude-sonnet-4-5")
	var buf bytes.Buffer
	for _, c := range chunks {
		if err := enc.Encode(c, &buf); err != nil {
			t.Fatal(err)
		}
	}
	_ = enc.Finish(&buf, nil)
	again, tr, err := translateAll(t, buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	var text string
	args := map[int]string{}
	for _, c := range again {
		for _, ch := range c.Choices {
			if ch.Delta.Content != nil {
				text += *ch.Delta.Content
			}
			for _, tc := range ch.Delta.ToolCalls {
				args[*tc.Index] += tc.Function.Arguments
			}
		}
	}
	u := tr.Usage()
	if text != "Okay, let's check the weather." || args[0] != `{"location": "San Francisco, CA", "unit": "°F\""}` || args[1] != "{}" {
		t.Errorf("text %q args %v", text, args)
	}
	if u.PromptTokens != 2572 || u.CompletionTokens != 89 || u.CachedTokens() != 2000 || u.CacheWriteTokens != 100 {
		t.Errorf("usage %+v", u)
	}
	if last := again[len(again)-2]; *last.Choices[0].FinishReason != "tool_calls" {
		t.Errorf("finish %v", *last.Choices[0].FinishReason)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("client gone") }

func TestStreamEncoderWriteError(t *testing.T) {
	enc := NewStreamEncoder("m")
	if err := enc.Encode(openAIChunks(t)[1], failingWriter{}); err == nil {
		t.Error("write error not reported")
	}
}

func eventNames(sse string) string {
	var names []string
	for _, line := range strings.Split(sse, "\n") {
		if name, ok := strings.CutPrefix(line, "event: "); ok {
			names = append(names, name)
		}
	}
	return strings.Join(names, ",")
}

// sse is the event stream of the events whose data are given: each event's
// name is its data's type, as in every Messages stream event.
func sse(t *testing.T, data ...string) string {
	t.Helper()
	var b strings.Builder
	for _, d := range data {
		var head struct {
			Type string `json:"type"`
		}
		if err := json.Unmarshal([]byte(d), &head); err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		b.WriteString("event: " + head.Type + "\ndata: " + d + "\n\n")
	}
	return b.String()
}
