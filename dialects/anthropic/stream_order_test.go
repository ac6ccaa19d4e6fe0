package anthropic

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// streamBlock is a content block as a client assembles it from the events:
// Content is its text, thinking or joined partial_json.
type streamBlock struct {
	Type, ID, Name, Content, Signature string
}

// String is what the tests compare: the type, a tool_use block's id and
// name, the content, and a provider's signature (not the gateway's mark).
func (b streamBlock) String() string {
	s := b.Type
	if b.Type == "tool_use" {
		s += " " + b.ID + " " + b.Name
	}
	s += " " + b.Content
	if _, mark := gatewaySigned(b.Signature); b.Signature != "" && !mark {
		s += " signed " + b.Signature
	}
	return s
}

// checkEventOrder fails unless stream is a Messages event stream in
// Anthropic's order: each event named by its data's type; message_start,
// ping, the content blocks, message_delta, message_stop; block indexes
// rising from 0, one block at a time (content_block_start, its deltas, its
// content_block_stop), each delta of its block's type; a thinking block
// signed last; a tool_use block's arguments empty or valid JSON. It returns
// the blocks.
func checkEventOrder(t testing.TB, stream []byte) []streamBlock {
	t.Helper()
	deltaOf := map[string]string{"text_delta": "text", "input_json_delta": "tool_use", "thinking_delta": "thinking", "signature_delta": "thinking"}
	var blocks []streamBlock
	var names []string
	open := -1
	for _, ev := range strings.Split(strings.TrimSuffix(string(stream), "\n\n"), "\n\n") {
		var e struct {
			Type         string                          `json:"type"`
			Index        int                             `json:"index"`
			ContentBlock struct{ Type, ID, Name string } `json:"content_block"`
			Delta        struct {
				Type, Text, Thinking, Signature string
				PartialJSON                     string `json:"partial_json"`
			} `json:"delta"`
		}
		head, data, _ := strings.Cut(ev, "\n")
		name, named := strings.CutPrefix(head, "event: ")
		data, hasData := strings.CutPrefix(data, "data: ")
		if !named || !hasData || json.Unmarshal([]byte(data), &e) != nil || e.Type != name {
			t.Fatalf("malformed event %q in\n%s", ev, stream)
		}
		names = append(names, name)
		switch name {
		case "content_block_start":
			if open >= 0 || e.Index != len(blocks) {
				t.Fatalf("block %d starts while block %d is open, after %d blocks\n%s", e.Index, open, len(blocks), stream)
			}
			open = e.Index
			blocks = append(blocks, streamBlock{Type: e.ContentBlock.Type, ID: e.ContentBlock.ID, Name: e.ContentBlock.Name})
		case "content_block_delta":
			if open < 0 || e.Index != open {
				t.Fatalf("%s for block %d while block %d is open\n%s", e.Delta.Type, e.Index, open, stream)
			}
			b := &blocks[open]
			if deltaOf[e.Delta.Type] != b.Type || b.Signature != "" {
				t.Fatalf("%s in %s block %d (signed %q)\n%s", e.Delta.Type, b.Type, open, b.Signature, stream)
			}
			b.Content += e.Delta.Text + e.Delta.PartialJSON + e.Delta.Thinking
			b.Signature = e.Delta.Signature
		case "content_block_stop":
			if open < 0 || e.Index != open {
				t.Fatalf("stop of block %d while block %d is open\n%s", e.Index, open, stream)
			}
			b := blocks[open]
			if b.Type == "tool_use" && b.Content != "" && !json.Valid([]byte(b.Content)) || b.Type == "thinking" && b.Signature == "" {
				t.Fatalf("block %d ends incomplete: %v\n%s", open, b, stream)
			}
			open = -1
		}
	}
	seq := strings.Join(names, ",")
	content := strings.TrimSuffix(strings.TrimPrefix(seq, "message_start,ping,"), "message_delta,message_stop")
	if open >= 0 || len(content) == len(seq) || strings.Contains(content, "message") || strings.Contains(content, "ping") {
		t.Fatalf("events out of order: %s (block %d open)\n%s", seq, open, stream)
	}
	return blocks
}

// Chunks of one choice, as the providers' translators make them.
func callChunk(i int, id, name, args string) *providers.ChatChunk {
	return &providers.ChatChunk{Choices: []providers.ChunkChoice{{Delta: providers.Delta{ToolCalls: []providers.ToolCall{
		{Index: &i, ID: id, Type: "function", Function: providers.FunctionCall{Name: name, Arguments: args}}}}}}}
}

func textChunk(s string) *providers.ChatChunk {
	return &providers.ChatChunk{Choices: []providers.ChunkChoice{{Delta: providers.Delta{Content: &s}}}}
}

func thinkChunk(s string, blocks ...providers.ThinkingBlock) *providers.ChatChunk {
	return &providers.ChatChunk{Choices: []providers.ChunkChoice{{Delta: providers.Delta{ReasoningContent: &s, ThinkingBlocks: blocks}}}}
}

func finishChunk(reason string) *providers.ChatChunk {
	return &providers.ChatChunk{Choices: []providers.ChunkChoice{{FinishReason: &reason}}}
}

// TestStreamEncoderInterleavedCalls: whatever order the upstream's
// fragments come in, the blocks stream one at a time, each tool_use block
// with its id, name and whole arguments. A stream whose calls do not
// interleave is written as it comes (live: every chunk writes its delta).
func TestStreamEncoderInterleavedCalls(t *testing.T) {
	signed := providers.ThinkingBlock{Type: "thinking", Thinking: "hm", Signature: "sig_1"}
	redacted := providers.ThinkingBlock{Type: "redacted_thinking", Data: "opaque"}
	for _, tc := range []struct {
		name   string
		chunks []*providers.ChatChunk
		live   bool
		want   []string
	}{
		{"sequential calls", []*providers.ChatChunk{
			callChunk(0, "c0", "f", `{"a"`), callChunk(0, "", "", `:1}`), callChunk(1, "c1", "g", `{}`), callChunk(2, "c2", "h", `[1]`)},
			true, []string{`tool_use c0 f {"a":1}`, `tool_use c1 g {}`, `tool_use c2 h [1]`}},
		{"text then sequential calls", []*providers.ChatChunk{
			textChunk("Let me "), textChunk("check."), callChunk(0, "c0", "f", `{"s":"}{\"`), callChunk(0, "", "", `"}`), callChunk(1, "c1", "g", `{}`)},
			true, []string{"text Let me check.", `tool_use c0 f {"s":"}{\""}`, `tool_use c1 g {}`}},
		{"two calls alternating", []*providers.ChatChunk{
			callChunk(0, "c0", "f", `{"a"`), callChunk(1, "c1", "g", `{"b"`), callChunk(0, "", "", `:1}`), callChunk(1, "", "", `:2}`)},
			false, []string{`tool_use c0 f {"a":1}`, `tool_use c1 g {"b":2}`}},
		{"three calls round robin", []*providers.ChatChunk{
			callChunk(0, "c0", "f", ""), callChunk(1, "c1", "g", ""), callChunk(2, "c2", "h", ""),
			callChunk(0, "", "", `{"x":`), callChunk(1, "", "", `{"y":`), callChunk(2, "", "", `{"z":`),
			callChunk(0, "", "", `[0]}`), callChunk(1, "", "", `"1"}`), callChunk(2, "", "", `null}`)},
			false, []string{`tool_use c0 f {"x":[0]}`, `tool_use c1 g {"y":"1"}`, `tool_use c2 h {"z":null}`}},
		{"later call ends first", []*providers.ChatChunk{
			callChunk(0, "c0", "f", `{"a":`), callChunk(1, "c1", "g", `{}`), callChunk(2, "c2", "h", `{"c":`),
			callChunk(2, "", "", `3}`), callChunk(0, "", "", `1}`)},
			false, []string{`tool_use c0 f {"a":1}`, `tool_use c1 g {}`, `tool_use c2 h {"c":3}`}},
		{"text before alternating calls", []*providers.ChatChunk{
			textChunk("Both."), callChunk(0, "c0", "f", `{"a"`), callChunk(1, "c1", "g", `{"b"`), callChunk(0, "", "", `:1}`), callChunk(1, "", "", `:2}`)},
			false, []string{"text Both.", `tool_use c0 f {"a":1}`, `tool_use c1 g {"b":2}`}},
		{"thinking before alternating calls", []*providers.ChatChunk{
			thinkChunk("plan"), callChunk(0, "c0", "f", `{"a"`), callChunk(1, "c1", "g", `{"b"`), callChunk(1, "", "", `:2}`), callChunk(0, "", "", `:1}`)},
			false, []string{"thinking plan", `tool_use c0 f {"a":1}`, `tool_use c1 g {"b":2}`}},
		{"text and thinking while a call is open", []*providers.ChatChunk{
			callChunk(0, "c0", "f", `{"a"`), textChunk("so "), textChunk("far"), thinkChunk("", signed), thinkChunk("", redacted),
			callChunk(1, "c1", "g", `{}`), callChunk(0, "", "", `:1}`), textChunk(" more")},
			false, []string{`tool_use c0 f {"a":1}`, "text so far", "thinking hm signed sig_1", "redacted_thinking ", `tool_use c1 g {}`, "text  more"}},
		{"id and name after the first fragment", []*providers.ChatChunk{
			callChunk(0, "", "", `{"a":`), callChunk(0, "c0", "f", `1}`)},
			false, []string{`tool_use c0 f {"a":1}`}},
		{"named call waits for an earlier nameless one", []*providers.ChatChunk{
			callChunk(1, "", "", `{"x":`), callChunk(0, "c0", "f", `{}`), textChunk("t"), callChunk(1, "c1", "g", `1}`)},
			false, []string{`tool_use c1 g {"x":1}`, `tool_use c0 f {}`, "text t"}},
		{"empty arguments", []*providers.ChatChunk{
			callChunk(0, "c0", "f", ""), callChunk(1, "c1", "g", `{}`), callChunk(2, "c2", "h", "")},
			false, []string{"tool_use c0 f ", `tool_use c1 g {}`, "tool_use c2 h "}},
		{"fragments of ended calls", []*providers.ChatChunk{
			callChunk(0, "c0", "f", `{}`), callChunk(1, "c1", "g", `{}`), callChunk(0, "", "", ` `), finishChunk("tool_calls"), callChunk(1, "", "", `x`)},
			false, []string{`tool_use c0 f {}`, `tool_use c1 g {}`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			enc := NewStreamEncoder("m")
			enc.view = reasoningView{show: true}
			var out, step bytes.Buffer
			for i, c := range tc.chunks {
				step.Reset()
				if err := enc.Encode(c, &step); err != nil {
					t.Fatal(err)
				}
				if tc.live && c.Choices[0].FinishReason == nil && !bytes.Contains(step.Bytes(), []byte("content_block_delta")) {
					t.Errorf("chunk %d held back: %q", i, step.String())
				}
				out.Write(step.Bytes())
			}
			if err := enc.Finish(&out, nil); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, b := range checkEventOrder(t, out.Bytes()) {
				got = append(got, b.String())
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("blocks\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if !strings.Contains(out.String(), `"stop_reason":"tool_use"`) && strings.HasPrefix(tc.want[len(tc.want)-1], "tool_use") {
				t.Errorf("a message ending in a tool call stops for %s", out.String())
			}
		})
	}
}

// FuzzStreamEncoderInterleavedCalls: up to three tool calls, their
// arguments cut into fragments and interleaved as the input says, some
// named only in their last fragment, with text and thinking around them:
// the events are in Anthropic's order and each call's block has its id,
// name and exact arguments.
func FuzzStreamEncoderInterleavedCalls(f *testing.F) {
	f.Add([]byte{0})
	f.Add([]byte{2, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 0, 1, 2})
	f.Add([]byte{0x1e, 0xff, 0x80, 3, 1, 1, 0, 0, 2, 2, 7})
	f.Add([]byte("interleave the arguments of parallel calls"))
	args := []string{`{"city":"Paris"}`, `{}`, `{"a":[1,{"b":"}]"}],"c":"\"{\\"}`, ` { "q" : "x y", "n": -1.5e3, "t": [true, false, null] } `, ``}
	f.Fuzz(func(t *testing.T, in []byte) {
		next := func() int {
			if len(in) == 0 {
				return 0
			}
			b := in[0]
			in = in[1:]
			return int(b)
		}
		flags := next()
		type call struct {
			id, name, args string
			frags          []string
		}
		calls := make([]call, 1+flags%3)
		for i := range calls {
			c := &calls[i]
			c.id, c.name, c.args = "call_"+string(rune('A'+i)), "fn"+string(rune('a'+i)), args[next()%len(args)]
			for rest := c.args; ; {
				n := min(1+next()%8, len(rest))
				c.frags = append(c.frags, rest[:n])
				if rest = rest[n:]; rest == "" {
					break
				}
			}
		}
		var chunks []*providers.ChatChunk
		if flags&8 != 0 {
			chunks = append(chunks, thinkChunk("think"))
		}
		if flags&16 != 0 {
			chunks = append(chunks, textChunk("before"))
		}
		sent := make([]int, len(calls))
		for left := len(calls); left > 0; {
			i := next() % len(calls)
			for sent[i] == len(calls[i].frags) {
				i = (i + 1) % len(calls)
			}
			c, k := &calls[i], sent[i]
			sent[i]++
			id, name, namedAt := c.id, c.name, 0
			if flags&(32<<i) != 0 {
				namedAt = len(c.frags) - 1 // named late: in its last fragment only
			}
			if k != namedAt {
				id, name = "", ""
			}
			if sent[i] == len(c.frags) {
				left--
			}
			chunk := callChunk(i, id, name, c.frags[k])
			if n := len(chunks); n > 0 && next()%4 == 0 && len(chunks[n-1].Choices[0].Delta.ToolCalls) > 0 {
				d := &chunks[n-1].Choices[0].Delta
				d.ToolCalls = append(d.ToolCalls, chunk.Choices[0].Delta.ToolCalls...) // several fragments in one chunk
				continue
			}
			chunks = append(chunks, chunk)
			if next()%16 == 0 {
				chunks = append(chunks, textChunk("between"))
			}
		}
		out := encodeStream(t, append(chunks, finishChunk("tool_calls")), reasoningView{show: true})
		got := map[string]streamBlock{}
		for _, b := range checkEventOrder(t, out) {
			if b.Type == "tool_use" {
				got[b.ID] = b
			}
		}
		for _, c := range calls {
			// Whitespace after the arguments' end may come after the block closed.
			if b := got[c.id]; b.Name != c.name || !strings.HasPrefix(c.args, b.Content) || strings.TrimSpace(c.args[len(b.Content):]) != "" {
				t.Fatalf("call %s %s %q became %v\n%s", c.id, c.name, c.args, b, out)
			}
		}
		if len(got) != len(calls) {
			t.Fatalf("%d calls became %d tool_use blocks\n%s", len(calls), len(got), out)
		}
	})
}
