package responses

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// The function_call items of a translated stream, whatever the order in
// which unified chunks bring calls' ids, names and argument fragments,
// text and reasoning: checkEvents holds every stream to the rules a
// Responses client relies on.

// callsRequest asks for reasoning summaries, so reasoning is streamed too.
const callsRequest = `{"model":"m","input":"x","reasoning":{"summary":"auto"}}`

func textChunk(s string) *providers.ChatChunk {
	return &providers.ChatChunk{Choices: []providers.ChunkChoice{{Delta: providers.Delta{Content: &s}}}}
}

func reasoningChunk(s string) *providers.ChatChunk {
	return &providers.ChatChunk{Choices: []providers.ChunkChoice{{Delta: providers.Delta{ReasoningContent: &s}}}}
}

func finishChunk(reason string) *providers.ChatChunk {
	return &providers.ChatChunk{Choices: []providers.ChunkChoice{{FinishReason: &reason}}}
}

// callChunk is one fragment of the call at upstream index idx; id and name
// are left out when empty.
func callChunk(idx int, id, name, args string) *providers.ChatChunk {
	return &providers.ChatChunk{Choices: []providers.ChunkChoice{{Delta: providers.Delta{ToolCalls: []providers.ToolCall{
		{Index: &idx, ID: id, Function: providers.FunctionCall{Name: name, Arguments: args}}}}}}}
}

func TestStreamCallInterleavings(t *testing.T) {
	cases := []struct {
		name   string
		chunks []*providers.ChatChunk
	}{
		{"two calls in turn", []*providers.ChatChunk{
			callChunk(0, "a", "f", `{"x":`), callChunk(0, "", "", `1}`),
			callChunk(1, "b", "g", `{"y":2}`), finishChunk("tool_calls")}},
		{"two calls alternating", []*providers.ChatChunk{
			callChunk(0, "a", "f", `{"x":`), callChunk(1, "b", "g", `{"y":`),
			callChunk(0, "", "", `1}`), callChunk(1, "", "", `2}`), finishChunk("tool_calls")}},
		{"three calls alternating", []*providers.ChatChunk{
			callChunk(0, "a", "f", `{`), callChunk(1, "b", "g", `{`), callChunk(2, "c", "h", `{"z"`),
			callChunk(2, "", "", `:3}`), callChunk(0, "", "", `}`), callChunk(1, "", "", `"y":2}`), finishChunk("tool_calls")}},
		{"text before calls", []*providers.ChatChunk{
			textChunk("Let me "), textChunk("look."), callChunk(0, "a", "f", `{}`), callChunk(1, "b", "g", `{"q":"w"}`), finishChunk("tool_calls")}},
		{"text between whole calls", []*providers.ChatChunk{
			callChunk(0, "a", "f", `{"x":1}`), textChunk("and "), callChunk(1, "b", "g", `{"y":2}`), textChunk("done"), finishChunk("stop")}},
		{"text during a call", []*providers.ChatChunk{
			callChunk(0, "a", "f", `{"a"`), textChunk("hm"), callChunk(0, "", "", `:1}`), finishChunk("tool_calls")}},
		{"refusal during a call", []*providers.ChatChunk{
			callChunk(0, "a", "f", `{"a"`), {Choices: []providers.ChunkChoice{{Delta: providers.Delta{Refusal: ptr("no")}}}},
			callChunk(0, "", "", `:1}`), finishChunk("tool_calls")}},
		{"text during one of two calls", []*providers.ChatChunk{
			callChunk(0, "a", "f", `{"a":1}`), callChunk(1, "b", "g", `{"b"`), textChunk("x"), callChunk(1, "", "", `:2}`),
			textChunk("y"), finishChunk("tool_calls")}},
		{"reasoning during a call", []*providers.ChatChunk{
			reasoningChunk("think"), callChunk(0, "a", "f", `{"a"`), reasoningChunk("more"), callChunk(0, "", "", `:1}`),
			textChunk("ok"), finishChunk("tool_calls")}},
		{"late id and name", []*providers.ChatChunk{
			callChunk(0, "", "", `{"a"`), callChunk(0, "a", "", `:`), textChunk("t"), callChunk(0, "", "f", `1}`), finishChunk("tool_calls")}},
		{"late name of the second call", []*providers.ChatChunk{
			callChunk(0, "a", "f", `{"a":1}`), callChunk(1, "b", "", `{"b":2}`), callChunk(1, "", "g", ``), finishChunk("tool_calls")}},
		{"id and name only at the end", []*providers.ChatChunk{
			callChunk(0, "", "", `{}`), finishChunk("tool_calls"), callChunk(0, "a", "f", ``)}},
		{"empty arguments", []*providers.ChatChunk{
			callChunk(0, "a", "f", ``), textChunk("x"), callChunk(1, "b", "g", ``), finishChunk("tool_calls")}},
		{"fragments after finish", []*providers.ChatChunk{
			callChunk(0, "a", "f", `{"a"`), callChunk(1, "b", "g", `{"b":2}`), finishChunk("tool_calls"), callChunk(0, "", "", `:1}`),
			{Usage: &providers.Usage{PromptTokens: 1, CompletionTokens: 2, TotalTokens: 3}}}},
		{"one index, a new id for each call", []*providers.ChatChunk{
			callChunk(0, "a", "f", `{"a":1}`), callChunk(0, "b", "g", `{"b"`), callChunk(0, "", "", `:2}`), textChunk("x"),
			callChunk(0, "c", "h", `{}`), finishChunk("tool_calls")}},
		{"two calls in one chunk", []*providers.ChatChunk{
			{Choices: []providers.ChunkChoice{{Delta: providers.Delta{ToolCalls: []providers.ToolCall{
				{Index: ptr(0), ID: "a", Function: providers.FunctionCall{Name: "f", Arguments: `{"a"`}},
				{Index: ptr(1), ID: "b", Function: providers.FunctionCall{Name: "g", Arguments: `{}`}}}}}}},
			textChunk("x"), callChunk(0, "", "", `:1}`), finishChunk("tool_calls")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkCallStream(t, tc.chunks)
		})
	}
}

func ptr[T any](v T) *T { return &v }

// checkCallStream encodes chunks and checks the events against what the
// chunks carried.
func checkCallStream(t *testing.T, chunks []*providers.ChatChunk) {
	t.Helper()
	enc := NewStreamEncoder(mustDecode(t, callsRequest), fixedMeta())
	checkEvents(t, encodeAll(t, enc, chunks, nil), enc.Response(), chunks)
}

// wantCall is what the chunks said of one upstream call.
type wantCall struct{ id, name, args string }

// wanted gathers the calls (by upstream index and id, in order of appearance),
// the text and the reasoning the chunks carried.
func wanted(chunks []*providers.ChatChunk) (calls []*wantCall, text, reasoning string) {
	byIndex := map[int]*wantCall{}
	for _, c := range chunks {
		for _, ch := range c.Choices {
			d := ch.Delta
			if d.ReasoningContent != nil {
				reasoning += *d.ReasoningContent
			}
			if d.Content != nil {
				text += *d.Content
			}
			if d.Refusal != nil {
				text += *d.Refusal
			}
			for _, tc := range d.ToolCalls {
				w := byIndex[*tc.Index]
				if w == nil || tc.ID != "" && w.id != "" && tc.ID != w.id { // a new call at that index
					w = &wantCall{}
					byIndex[*tc.Index] = w
					calls = append(calls, w)
				}
				if w.id == "" {
					w.id = tc.ID
				}
				if w.name == "" {
					w.name = tc.Function.Name
				}
				w.args += tc.Function.Arguments
			}
		}
	}
	return calls, text, reasoning
}

// streamEvent is the union of the fields of the events checked.
type streamEvent struct {
	Type         string          `json:"type"`
	Seq          *int            `json:"sequence_number"`
	OutputIndex  *int            `json:"output_index"`
	ItemID       string          `json:"item_id"`
	Item         json.RawMessage `json:"item"`
	Delta        *string         `json:"delta"`
	Arguments    *string         `json:"arguments"`
	Name         string          `json:"name"`
	Response     json.RawMessage `json:"response"`
	ContentIndex int             `json:"content_index"`
}

// streamItem is an item's fields checked (a reasoning item has no status).
type streamItem struct {
	ID        string `json:"id"`
	Type      string `json:"type"`
	Status    string `json:"status"`
	CallID    string `json:"call_id"`
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
}

// itemState is a streamed item as the events built it.
type itemState struct {
	streamItem
	done     bool
	argsDone bool
	args     strings.Builder
	final    json.RawMessage // the output_item.done item
}

// checkEvents checks a stream's events: sequence numbers from 0 with no
// gap; created and in_progress first and one terminal event last; items
// added at rising output indexes, each event naming an added item that is
// not done yet, every item done once; a function_call item carries its
// call_id and name from output_item.added on, its done events carry the
// arguments its deltas gave, and each upstream call is exactly one item
// with its id, name and whole arguments; the text and reasoning streamed
// are the chunks'; the terminal response's output and the stored response
// are the done items.
func checkEvents(t *testing.T, body string, final *Response, chunks []*providers.ChatChunk) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf(format+"\nstream:\n%s", append(args, body)...)
	}
	if !strings.HasSuffix(body, "\n\n") {
		fail("stream does not end with a blank line")
	}
	var items []*itemState
	var text, reasoning strings.Builder
	var terminal json.RawMessage
	for i, raw := range strings.Split(strings.TrimSuffix(body, "\n\n"), "\n\n") {
		name, data, ok := strings.Cut(raw, "\ndata: ")
		name, ok2 := strings.CutPrefix(name, "event: ")
		var ev streamEvent
		if !ok || !ok2 || json.Unmarshal([]byte(data), &ev) != nil || ev.Type != name {
			fail("event %d is malformed: %q", i, raw)
		}
		if ev.Seq == nil || *ev.Seq != i {
			fail("event %d has sequence_number %v", i, ev.Seq)
		}
		if terminal != nil {
			fail("event %d (%s) after the terminal event", i, ev.Type)
		}
		switch {
		case i == 0 && ev.Type != "response.created", i == 1 && ev.Type != "response.in_progress":
			fail("event %d is %s", i, ev.Type)
		case ev.Type == "response.created" || ev.Type == "response.in_progress":
			if i > 1 {
				fail("event %d is %s", i, ev.Type)
			}
			continue
		case ev.Type == "response.completed" || ev.Type == "response.incomplete":
			terminal = ev.Response
			continue
		}
		if ev.OutputIndex == nil {
			fail("event %d (%s) has no output_index", i, ev.Type)
		}
		out := *ev.OutputIndex
		if ev.Type == "response.output_item.added" {
			it := &itemState{}
			if json.Unmarshal(ev.Item, &it.streamItem) != nil || out != len(items) || it.Status != "in_progress" && it.Type != "reasoning" {
				fail("event %d adds item %s at output_index %d after %d items", i, ev.Item, out, len(items))
			}
			for _, x := range items {
				if x.ID == it.ID {
					fail("event %d adds item id %s twice", i, it.ID)
				}
			}
			if it.Type == "function_call" && (it.CallID == "" || it.Name == "" || it.Arguments != "") {
				fail("event %d adds a function_call without call_id or name: %s", i, ev.Item)
			}
			items = append(items, it)
			continue
		}
		if out < 0 || out >= len(items) || items[out].done {
			fail("event %d (%s) for output_index %d, which is not open", i, ev.Type, out)
		}
		it := items[out]
		switch ev.Type {
		case "response.output_item.done":
			var done streamItem
			if json.Unmarshal(ev.Item, &done) != nil || done.ID != it.ID || done.Type != it.Type {
				fail("event %d ends item %s as %s", i, it.ID, ev.Item)
			}
			if it.Type == "function_call" {
				if !it.argsDone || done.Arguments != it.args.String() || done.CallID != it.CallID || done.Name != it.Name {
					fail("event %d ends call %s with %s; its deltas gave %q", i, it.ID, ev.Item, it.args.String())
				}
			}
			it.done, it.final = true, ev.Item
			continue
		}
		if ev.ItemID != it.ID {
			fail("event %d (%s) names item %s at output_index %d of item %s", i, ev.Type, ev.ItemID, out, it.ID)
		}
		switch ev.Type {
		case "response.function_call_arguments.delta":
			if it.Type != "function_call" || it.argsDone || ev.Delta == nil {
				fail("event %d: arguments delta for %s", i, it.ID)
			}
			it.args.WriteString(*ev.Delta)
		case "response.function_call_arguments.done":
			if it.Type != "function_call" || it.argsDone || ev.Arguments == nil || *ev.Arguments != it.args.String() || ev.Name != it.Name {
				fail("event %d: arguments done %v for %s; its deltas gave %q", i, ev.Arguments, it.ID, it.args.String())
			}
			it.argsDone = true
		case "response.output_text.delta", "response.refusal.delta":
			text.WriteString(*ev.Delta)
		case "response.reasoning_summary_text.delta":
			reasoning.WriteString(*ev.Delta)
		}
	}
	if terminal == nil {
		fail("no terminal event")
	}
	for _, it := range items {
		if !it.done {
			fail("item %s never done", it.ID)
		}
	}

	// The terminal response and the stored one hold the done items.
	var resp struct {
		Output []json.RawMessage `json:"output"`
	}
	if err := json.Unmarshal(terminal, &resp); err != nil || len(resp.Output) != len(items) {
		fail("terminal response has %d items, %d were streamed", len(resp.Output), len(items))
	}
	var stored struct {
		Output []json.RawMessage `json:"output"`
	}
	if err := json.Unmarshal(final.JSON(), &stored); err != nil || len(stored.Output) != len(items) {
		fail("stored response has %d items, %d were streamed", len(stored.Output), len(items))
	}
	for i, it := range items {
		if !bytes.Equal(resp.Output[i], it.final) || !bytes.Equal(stored.Output[i], it.final) {
			fail("output %d: streamed %s, terminal %s, stored %s", i, it.final, resp.Output[i], stored.Output[i])
		}
	}

	// Each upstream call is one item with its id, name and whole arguments.
	calls, wantText, wantReasoning := wanted(chunks)
	var fcs []*itemState
	for _, it := range items {
		if it.Type == "function_call" {
			fcs = append(fcs, it)
		}
	}
	if len(fcs) != len(calls) {
		fail("%d function_call items for %d calls", len(fcs), len(calls))
	}
	for _, w := range calls {
		n := 0
		for _, it := range fcs {
			if it.CallID == w.id {
				n++
				if it.Name != w.name || it.args.String() != w.args {
					fail("call %s: item %s name %q arguments %q, want %q %q", w.id, it.ID, it.Name, it.args.String(), w.name, w.args)
				}
			}
		}
		if n != 1 {
			fail("call %s is in %d items", w.id, n)
		}
	}
	if text.String() != wantText || reasoning.String() != wantReasoning {
		fail("streamed text %q reasoning %q, want %q %q", text.String(), reasoning.String(), wantText, wantReasoning)
	}
}

// FuzzStreamCallInterleavings: random interleavings of up to three calls
// (whole JSON arguments split anywhere, id and name on any fragment), text,
// reasoning and the finish reason, anywhere in the stream, pass checkEvents.
func FuzzStreamCallInterleavings(f *testing.F) {
	for _, s := range []string{"", "\x00", "\x02\x11\x22\x33\x44\x55\x66\x77", "\x01\x05\x09\x0d\x03\x07\x0b\x0f\xff\xfe",
		"\x02\x00\x10\x20\x30\x40\x50\x60\x70\x80\x90\xa0\xb0\xc0\xd0\xe0\xf0"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkCallStream(t, interleaving(data))
	})
}

// interleaving builds a stream from fuzz bytes: each byte picks what comes
// next; the calls' fragments come in their own order, interleaved.
func interleaving(data []byte) []*providers.ChatChunk {
	next := func() byte {
		if len(data) == 0 {
			return 0
		}
		b := data[0]
		data = data[1:]
		return b
	}
	argSets := []string{``, `{}`, `{"a":1}`, `{"city":"Paris","days":[1,2]}`, `{"q":"a \"b\" {c}"}`}
	type pending struct {
		idx     int
		id      string
		name    string
		frags   []string
		idAt    int // the fragment that carries the id
		nameAt  int // and the name
		emitted int
	}
	var calls []*pending
	for i := range int(next())%3 + 1 {
		args := argSets[int(next())%len(argSets)]
		p := &pending{idx: i, id: "call_" + string(rune('a'+i)), name: "fn" + string(rune('a'+i))}
		for rest := args; ; {
			n := int(next())%5 + 1
			if n >= len(rest) {
				p.frags = append(p.frags, rest)
				break
			}
			p.frags = append(p.frags, rest[:n])
			rest = rest[n:]
		}
		p.idAt, p.nameAt = int(next())%len(p.frags), int(next())%len(p.frags)
		calls = append(calls, p)
	}
	var out []*providers.ChatChunk
	finished := false
	for {
		var open []*pending
		for _, p := range calls {
			if p.emitted < len(p.frags) {
				open = append(open, p)
			}
		}
		if len(open) == 0 {
			break
		}
		b := next()
		switch b % 8 {
		case 5:
			out = append(out, textChunk("t"+string(rune('0'+b%10))))
			continue
		case 6:
			out = append(out, reasoningChunk("r"+string(rune('0'+b%10))))
			continue
		case 7:
			if !finished {
				finished = true
				out = append(out, finishChunk("tool_calls"))
				continue
			}
		}
		p := open[int(b/8)%len(open)]
		var id, name string
		if p.emitted == p.idAt {
			id = p.id
		}
		if p.emitted == p.nameAt {
			name = p.name
		}
		out = append(out, callChunk(p.idx, id, name, p.frags[p.emitted]))
		p.emitted++
	}
	if !finished {
		out = append(out, finishChunk("tool_calls"))
	}
	return out
}
