package responses

import (
	"encoding/json"
	"strings"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// The function_call items of a stream (see StreamEncoder). Unified chunks
// give a call's id, name and argument fragments under its upstream index,
// in any order and interleaved with text, reasoning and other calls; a
// Responses client reads each call as one item whose output_item.added
// already carries call_id and name and whose done events carry the whole
// arguments. So a call is held until its id and name are known, and an open
// call ends only when nothing more can come for it: at Finish, or earlier
// (when text, reasoning or the finish reason comes) once its arguments are
// a whole JSON object or array, which no fragment can extend. Text amid an
// unfinished call goes to a message item after it while the call stays
// open; every event names its item, and items are added in output order.

// streamCall is one upstream tool call.
type streamCall struct {
	index    int    // upstream tool-call index
	out      int    // output index of its item, -1 while held
	closed   bool   // its done events are written
	id, name string // as far as known
	args     strings.Builder
}

// toolCall records one tool-call fragment: the call's item is added once
// its id and name are known, with the arguments held so far as one delta;
// then each fragment streams as it comes.
func (e *StreamEncoder) toolCall(tc providers.ToolCall) {
	idx := 0
	if tc.Index != nil {
		idx = *tc.Index
	}
	var c *streamCall
	for i := len(e.calls) - 1; i >= 0; i-- { // the newest call at idx
		if e.calls[i].index == idx {
			c = e.calls[i]
			break
		}
	}
	if c != nil && tc.ID != "" && c.id != "" && tc.ID != c.id {
		// A new id at the same index (servers that number every call 0,
		// or none): a new call, so the one before it is whole.
		e.endHeldOrOpen(c)
		c = nil
	}
	if c == nil {
		c = &streamCall{index: idx, out: -1}
		e.calls = append(e.calls, c)
	}
	if c.closed {
		// Its arguments were whole JSON already: a further fragment would
		// only make them invalid, and its item is done.
		return
	}
	if c.id == "" {
		c.id = tc.ID
	}
	if c.name == "" {
		c.name = tc.Function.Name
	}
	a := tc.Function.Arguments
	if c.out >= 0 {
		if a != "" {
			c.args.WriteString(a)
			e.writeArgsDelta(c, a)
		}
		return
	}
	c.args.WriteString(a)
	if c.id != "" && c.name != "" {
		e.openCall(c)
	}
}

// openCall adds the item of a held call and streams the arguments held so
// far. The call moves to the end of e.calls, so the open calls stay in
// output order there.
func (e *StreamEncoder) openCall(c *streamCall) {
	e.closeReasoning()
	e.closeMessage()
	c.out = len(e.resp.Output)
	e.resp.Output = append(e.resp.Output, OutputItem{Type: "function_call", ID: e.meta.newID("fc"), Status: "in_progress",
		CallID: c.id, Name: c.name})
	e.write(itemEvent{Type: "response.output_item.added", OutputIndex: c.out, Item: e.resp.Output[c.out]})
	if c.args.Len() > 0 {
		e.writeArgsDelta(c, c.args.String())
	}
	if last := e.calls[len(e.calls)-1]; last != c {
		for i, x := range e.calls {
			if x == c {
				copy(e.calls[i:], e.calls[i+1:])
				e.calls[len(e.calls)-1] = c
				break
			}
		}
	}
}

func (e *StreamEncoder) writeArgsDelta(c *streamCall, a string) {
	e.write(argsEvent{Type: "response.function_call_arguments.delta", ItemID: e.resp.Output[c.out].ID, OutputIndex: c.out, Delta: &a})
}

// closeCalls ends the open calls whose arguments are whole, in output
// order; the others stay open for their remaining fragments.
func (e *StreamEncoder) closeCalls() {
	for _, c := range e.calls {
		if c.out >= 0 && !c.closed && c.whole() {
			e.endCall(c)
		}
	}
}

// closeEveryCall ends every call at the end of the stream: the open ones in
// output order, then the ones still held (their id or name never came),
// added with what is known.
func (e *StreamEncoder) closeEveryCall() {
	for _, c := range e.calls {
		if c.out >= 0 && !c.closed {
			e.endCall(c)
		}
	}
	for i := 0; i < len(e.calls); {
		if c := e.calls[i]; c.out < 0 {
			e.endHeldOrOpen(c) // moves it to the end: e.calls[i] is the next one
		} else {
			i++
		}
	}
}

// endHeldOrOpen ends a call that is not closed, adding its item first when
// it is still held.
func (e *StreamEncoder) endHeldOrOpen(c *streamCall) {
	if c.closed {
		return
	}
	if c.out < 0 {
		e.openCall(c)
	}
	e.endCall(c)
}

// endCall writes the call's done events with its whole arguments.
func (e *StreamEncoder) endCall(c *streamCall) {
	c.closed = true
	item := &e.resp.Output[c.out]
	item.Arguments, item.Status = c.args.String(), "completed"
	e.write(argsEvent{Type: "response.function_call_arguments.done", ItemID: item.ID, OutputIndex: c.out, Name: item.Name, Arguments: &item.Arguments})
	e.write(itemEvent{Type: "response.output_item.done", OutputIndex: c.out, Item: *item})
}

// whole reports whether the arguments so far are a complete JSON object or
// array (a number could still grow).
func (c *streamCall) whole() bool {
	a := strings.TrimRight(c.args.String(), " \t\r\n")
	return a != "" && (a[len(a)-1] == '}' || a[len(a)-1] == ']') && json.Valid([]byte(a))
}
