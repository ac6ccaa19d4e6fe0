package anthropic

// Block order for interleaved tool calls. Anthropic streams one content
// block at a time: content_block_start, its deltas, content_block_stop,
// then the next block; no delta follows its block's stop. An OpenAI-style
// upstream may interleave the argument fragments of parallel tool calls
// (calls 0 and 1 alternating), so a call's arguments may go on after the
// next call started. The encoder therefore keeps a tool_use block open
// until its arguments are a complete JSON value; a block begun before
// that (another call, text, thinking) is held with its content, and opens
// when its turn comes: when the open call's arguments end, or at the
// finish. A call is also held until its name is known, so that its
// content_block_start carries it. In the usual stream each call's
// arguments end before the next call starts, and nothing is held.

// heldBlock is a block begun while the open one may not end yet: its
// content_block_start, the upstream index of a tool_use block, its
// content so far (text, thinking or partial JSON, as one delta), and
// whether it is closed, with a thinking block's signature.
type heldBlock struct {
	out    outBlock
	tool   int
	data   []byte
	closed bool
	sig    *string
}

// mayEnd reports whether the open block may close now: any block but a
// tool_use block whose arguments are still coming.
func (e *StreamEncoder) mayEnd() bool { return e.kind != "tool_use" || e.args.ended() }

// begin starts block b (tool: the upstream index of a tool_use block). It
// opens now unless it must wait: blocks are held already, the open block
// may not end, or b is a tool_use block without its name yet.
func (e *StreamEncoder) begin(b outBlock, tool int) {
	if len(e.held) > 0 || !e.mayEnd() || b.Type == "tool_use" && b.Name == "" {
		e.held = append(e.held, heldBlock{out: b, tool: tool})
		return
	}
	e.openBlock(b, tool)
}

// add writes s into the block begun last.
func (e *StreamEncoder) add(s string) {
	if n := len(e.held); n > 0 {
		e.held[n-1].data = append(e.held[n-1].data, s...)
		return
	}
	e.delta(s)
}

// end closes the block begun last; sig is a thinking block's signature
// (nil: the gateway's mark).
func (e *StreamEncoder) end(sig *string) {
	if n := len(e.held); n > 0 {
		h := &e.held[n-1]
		h.closed = true
		if sig != nil {
			s := *sig // the chunk's memory is not ours to keep
			h.sig = &s
		}
		return
	}
	e.signature = sig
	e.closeBlock()
}

// lastKind is the type of the block begun last, "" when it is closed.
func (e *StreamEncoder) lastKind() string {
	if n := len(e.held); n > 0 {
		if e.held[n-1].closed {
			return ""
		}
		return e.held[n-1].out.Type
	}
	return e.kind
}

// heldCall is the held tool_use block of an upstream tool index, or nil.
func (e *StreamEncoder) heldCall(idx int) *heldBlock {
	for i := range e.held {
		if h := &e.held[i]; h.out.Type == "tool_use" && h.tool == idx {
			return h
		}
	}
	return nil
}

// release opens the held blocks in order while the open block may end and
// the next one is ready (a tool_use block has its name); with force, all
// of them (the message's content is over).
func (e *StreamEncoder) release(force bool) {
	for len(e.held) > 0 {
		h := &e.held[0]
		if !force && (!e.mayEnd() || h.out.Type == "tool_use" && h.out.Name == "") {
			return
		}
		e.openBlock(h.out, h.tool)
		if len(h.data) > 0 {
			e.delta(string(h.data))
		}
		if h.closed {
			e.signature = h.sig
			e.closeBlock()
		}
		e.held = e.held[:copy(e.held, e.held[1:])]
	}
}

// closeAll writes the held blocks and closes the last: the message's
// content is over.
func (e *StreamEncoder) closeAll() {
	e.release(true)
	e.closeBlock()
}

// jsonEnd follows a JSON text fed in pieces and tells when it is one
// complete value, after which only whitespace may follow: a tool call's
// arguments have ended when their object closes. A top-level scalar never
// ends here (a number could go on), nor does text that is not JSON; such
// a block stays open until the finish, which is always in order.
type jsonEnd struct {
	depth             int
	inString, escaped bool
	done, bad         bool
}

func (j *jsonEnd) feed(s string) {
	for i := 0; i < len(s) && !j.bad; i++ {
		c := s[i]
		switch {
		case j.inString:
			switch {
			case j.escaped:
				j.escaped = false
			case c == '\\':
				j.escaped = true
			case c == '"':
				j.inString = false
				j.done = j.depth == 0
			}
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		case j.done:
			j.bad = true // something after a complete value
		case c == '"':
			j.inString = true
		case c == '{' || c == '[':
			j.depth++
		case c == '}' || c == ']':
			j.depth--
			j.done, j.bad = j.depth == 0, j.depth < 0
		case j.depth == 0:
			j.bad = true // a top-level scalar, whose end cannot be told
		}
	}
}

func (j *jsonEnd) ended() bool { return j.done && !j.bad }
