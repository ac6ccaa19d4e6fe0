package responses

import (
	"reflect"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// thinkingChunks: reasoning text in two deltas, the signed block when the
// thinking ends, then text and the finish.
func thinkingChunks(t *testing.T) []*providers.ChatChunk {
	return chunks(t,
		`{"id":"c","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}`,
		`{"id":"c","choices":[{"index":0,"delta":{"reasoning_content":"Hm, "},"finish_reason":null}]}`,
		`{"id":"c","choices":[{"index":0,"delta":{"reasoning_content":"sunny."},"finish_reason":null}]}`,
		`{"id":"c","choices":[{"index":0,"delta":{"thinking_blocks":[{"type":"thinking","thinking":"Hm, sunny.","signature":"s1"}]},"finish_reason":null}]}`,
		`{"id":"c","choices":[{"index":0,"delta":{"content":"Sunny."},"finish_reason":null}]}`,
		`{"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`,
	)
}

// eventLines are the data lines of a stream whose type starts with prefix.
func eventLines(stream, prefix string) []string {
	var out []string
	for _, line := range strings.Split(stream, "\n") {
		if data, ok := strings.CutPrefix(line, "data: "); ok && strings.HasPrefix(data, `{"type":"`+prefix) {
			out = append(out, data)
		}
	}
	return out
}

// TestStreamEncoderReasoningEvents pins the reasoning item's events in
// OpenAI's order: item added, summary part added, text deltas, text done,
// part done, item done (with encrypted_content), then the message.
func TestStreamEncoderReasoningEvents(t *testing.T) {
	req := mustDecode(t, `{"model":"m","input":"x","reasoning":{"effort":"low","summary":"auto"},"include":["reasoning.encrypted_content"]}`)
	got := encodeAll(t, NewStreamEncoder(req, fixedMeta()), thinkingChunks(t), nil)
	enc := encodeThinking([]providers.ThinkingBlock{{Type: "thinking", Thinking: "Hm, sunny.", Signature: "s1"}})
	want := []string{
		`{"type":"response.output_item.added","output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[]},"sequence_number":2}`,
		`{"type":"response.reasoning_summary_part.added","item_id":"rs_1","output_index":0,"summary_index":0,"part":{"type":"summary_text","text":""},"sequence_number":3}`,
		`{"type":"response.reasoning_summary_text.delta","item_id":"rs_1","output_index":0,"summary_index":0,"delta":"Hm, ","sequence_number":4}`,
		`{"type":"response.reasoning_summary_text.delta","item_id":"rs_1","output_index":0,"summary_index":0,"delta":"sunny.","sequence_number":5}`,
		`{"type":"response.reasoning_summary_text.done","item_id":"rs_1","output_index":0,"summary_index":0,"text":"Hm, sunny.","sequence_number":6}`,
		`{"type":"response.reasoning_summary_part.done","item_id":"rs_1","output_index":0,"summary_index":0,"part":{"type":"summary_text","text":"Hm, sunny."},"sequence_number":7}`,
		`{"type":"response.output_item.done","output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[{"type":"summary_text","text":"Hm, sunny."}],"encrypted_content":"` + enc + `"},"sequence_number":8}`,
		`{"type":"response.output_item.added","output_index":1,"item":{"id":"msg_2","type":"message","status":"in_progress","content":[],"role":"assistant"},"sequence_number":9}`,
	}
	lines := append(eventLines(got, "response.output_item.added"), eventLines(got, "response.reasoning")...)
	lines = append(lines, eventLines(got, "response.output_item.done")...)
	for _, w := range want {
		if !strings.Contains(got, "data: "+w+"\n") {
			t.Errorf("missing or changed event\n%s\nin\n%s", w, strings.Join(lines, "\n"))
		}
	}
	final := NewStreamEncoder(req, fixedMeta())
	encodeAll(t, final, thinkingChunks(t), nil)
	if out := final.Response().OutputMessages(); len(out) != 1 || len(out[0].ThinkingBlocks) != 1 || out[0].ThinkingBlocks[0].Signature != "s1" {
		t.Errorf("stored conversation lost the thinking block: %+v", out)
	}
}

// TestStreamEncoderReasoningNotAsked: without reasoning.summary or the
// include, translated reasoning adds no item and no event.
func TestStreamEncoderReasoningNotAsked(t *testing.T) {
	got := encodeAll(t, NewStreamEncoder(mustDecode(t, `{"model":"m","input":"x","reasoning":{"effort":"high"}}`), fixedMeta()), thinkingChunks(t), nil)
	if strings.Contains(got, "reasoning_summary") || strings.Contains(got, `"type":"reasoning"`) || strings.Contains(got, "Hm,") {
		t.Errorf("reasoning reached a client that did not ask:\n%s", got)
	}
}

// TestEncodeResponseReasoningItem: a translated answer's reasoning is the
// first output item; encrypted_content only with the include.
func TestEncodeResponseReasoningItem(t *testing.T) {
	resp := chatResponse(t, `{"id":"c","choices":[{"index":0,"message":{"role":"assistant","content":"Sunny.","reasoning_content":"Hm.",
		"thinking_blocks":[{"type":"thinking","thinking":"Hm.","signature":"s1"},{"type":"redacted_thinking","data":"ZW5j"}]},"finish_reason":"stop"}]}`)
	for _, tc := range []struct{ body, want string }{
		{`{"model":"m","input":"x","reasoning":{"summary":"auto"}}`, `{"id":"rs_1","type":"reasoning","summary":[{"type":"summary_text","text":"Hm."}]}`},
		{`{"model":"m","input":"x","include":["reasoning.encrypted_content"]}`, `{"id":"rs_1","type":"reasoning","summary":[],"encrypted_content":"sira-thinking-v1.`},
		{`{"model":"m","input":"x"}`, `{"id":"msg_1","type":"message"`},
	} {
		r, err := EncodeResponse(mustDecode(t, tc.body), resp, fixedMeta())
		if err != nil {
			t.Fatal(err)
		}
		if out := string(r.JSON()); !strings.Contains(out, `"output":[`+tc.want) {
			t.Errorf("%s: got %s", tc.body, out)
		}
	}
}

// TestReasoningInputItemsRestoreThinking: a reasoning item given back with
// the gateway's encrypted_content puts its blocks on the assistant turn
// after it; OpenAI's own encrypted content is left out.
func TestReasoningInputItemsRestoreThinking(t *testing.T) {
	blocks := []providers.ThinkingBlock{{Type: "thinking", Thinking: "a\"b", Signature: "s1"}, {Type: "redacted_thinking", Data: "ZW5j"}}
	body := `{"model":"m","input":[{"role":"user","content":"hi"},
		{"type":"reasoning","id":"rs_1","summary":[],"encrypted_content":"` + encodeThinking(blocks) + `"},
		{"type":"function_call","call_id":"c1","name":"f","arguments":"{}"},
		{"type":"function_call_output","call_id":"c1","output":"ok"},
		{"type":"reasoning","id":"rs_2","summary":[],"encrypted_content":"gAAAAopenai"},
		{"type":"message","role":"assistant","content":[{"type":"output_text","text":"done"}]}]}`
	msgs := mustDecode(t, body).ChatRequest(nil).Messages
	if len(msgs) != 4 || !reflect.DeepEqual(msgs[1].ThinkingBlocks, blocks) || len(msgs[1].ToolCalls) != 1 || msgs[3].ThinkingBlocks != nil {
		t.Fatalf("messages %+v", msgs)
	}
}

func FuzzDecodeThinking(f *testing.F) {
	f.Add(encodeThinking([]providers.ThinkingBlock{{Type: "thinking", Thinking: "x", Signature: "s"}}))
	f.Add(encryptedPrefix + "bm90IGpzb24=")
	f.Add("gAAAA")
	f.Fuzz(func(t *testing.T, s string) {
		blocks := decodeThinking(s)
		for _, b := range blocks {
			if b.Type != "thinking" && b.Type != "redacted_thinking" {
				t.Fatalf("block type %q", b.Type)
			}
		}
		if len(blocks) > 0 && !reflect.DeepEqual(decodeThinking(encodeThinking(blocks)), blocks) {
			t.Fatalf("round trip of %q", s)
		}
	})
}
