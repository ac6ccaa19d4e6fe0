package anthropic

import (
	"bytes"
	"encoding/json"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// StreamTranslator turns Anthropic's streaming events into unified chunks,
// one event at a time, without buffering the answer. It is pure (no I/O),
// so the exact sequence can be tested from a recorded stream.
//
//	message_start         → first chunk: role assistant, content ""
//	content_block_start   → text: nothing (or its text); tool_use: a tool-call delta with
//	                        index (counting tool blocks only, from 0), id, type, name, arguments ""
//	content_block_delta   → text_delta: content; input_json_delta: an argument fragment, in order;
//	                        thinking_delta: reasoning_content; signature_delta: kept for the stop
//	content_block_stop    → nothing (a tool block that streamed no input gets arguments "{}");
//	                        a thinking or redacted_thinking block: thinking_blocks with the whole block
//	message_delta         → the finish chunk (finish_reason from stop_reason); usage updated
//	message_stop          → the usage chunk (choices [] and usage); then the stream is done
//	ping, unknown events → nothing
//	error                 → a classified *providers.Error
//
// Usage counts are running totals: each value replaces the previous one.
// All chunks share the id and model of message_start and one created time.
type StreamTranslator struct {
	created  int64
	id       string
	model    string
	roleSent bool
	finished bool // the finish chunk was emitted
	done     bool // message_stop was seen
	usage    usageTotals
	blocks   map[int]*blockState
	tools    int    // tool blocks seen so far: the next OpenAI tool index
	scratch  []byte // decodeQuick's buffer for unescaping strings
	// TranslateRelayed's events: one event is in flight at a time (a
	// chunk's Event is valid until the stream's next Next call), so two
	// structs per stream serve every chunk.
	event providers.StreamEvent // the current event, for its first chunk
	rest  providers.StreamEvent // for the event's further chunks
}

// blockState remembers what an open content block is.
type blockState struct {
	kind     string // text, tool_use, thinking, …
	tool     int    // OpenAI tool index, for tool_use
	sentArgs bool   // a non-empty argument fragment was emitted
	// thinking: the block so far (text, signature; redacted data), sent
	// whole at its stop so the client can give it back unchanged.
	thinking providers.ThinkingBlock
}

// NewStreamTranslator starts a translation; created stamps every chunk.
func NewStreamTranslator(created int64) *StreamTranslator {
	return &StreamTranslator{created: created, blocks: map[int]*blockState{}}
}

// Done reports whether message_stop was seen: nothing more will come.
func (s *StreamTranslator) Done() bool { return s.done }

// Usage returns the usage counted so far (nil before any usage arrived).
func (s *StreamTranslator) Usage() *providers.Usage { return s.usage.unified() }

// Translate consumes one event (its SSE event name and data) and returns the
// chunks it produces, often none. The event's own "type" field decides; the
// SSE name is the fallback.
func (s *StreamTranslator) Translate(name string, data []byte) ([]*providers.ChatChunk, error) {
	if s.done {
		return nil, nil
	}
	if name == "error" {
		return nil, errorEvent(data)
	}
	var ev wireEvent
	if q, ok := decodeQuick(data, &s.scratch); ok {
		ev = wireEvent{Type: q.typ, Index: q.index}
		switch q.typ {
		case "content_block_delta":
			ev.Delta = &q.delta
		case "content_block_start":
			ev.ContentBlock = &Block{Type: "text", Text: q.text}
		}
	} else {
		var err error
		if ev, err = decodeEvent(data); err != nil {
			if !knownEvent(eventType(name, data)) {
				return nil, nil // an event type added after this was written, shaped differently
			}
			return nil, &providers.Error{Kind: providers.KindUpstream, Message: "upstream sent a malformed stream event", Err: err}
		}
	}
	if ev.Type == "" {
		ev.Type = name
	}
	switch ev.Type {
	case "message_start":
		return s.messageStart(ev.Message), nil
	case "content_block_start":
		return s.blockStart(ev.Index, ev.ContentBlock), nil
	case "content_block_delta":
		return s.blockDelta(ev.Index, ev.Delta), nil
	case "content_block_stop":
		return s.blockStop(ev.Index), nil
	case "message_delta":
		s.usage.apply(ev.Usage)
		if ev.Delta == nil || ev.Delta.StopReason == "" {
			return nil, nil
		}
		return s.finish(finishReason(ev.Delta.StopReason)), nil
	case "message_stop":
		s.done = true
		out := s.finish(providers.FinishStop) // only if message_delta never came
		if u := s.usage.unified(); u != nil {
			c := s.chunk()
			c.Choices = []providers.ChunkChoice{}
			c.Usage = u
			out = append(out, c)
		}
		return out, nil
	case "error":
		return nil, errorEvent(data)
	}
	return nil, nil // ping and event types added after this was written
}

// decodeEvent decodes any event; decodeQuick takes the frequent ones first.
func decodeEvent(data []byte) (wireEvent, error) {
	var ev wireEvent
	err := json.Unmarshal(data, &ev)
	return ev, err
}

// eventType reads just the event's type (the SSE name when data has none).
func eventType(name string, data []byte) string {
	var head struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(data, &head) == nil && head.Type != "" {
		return head.Type
	}
	return name
}

func knownEvent(typ string) bool {
	switch typ {
	case "message_start", "content_block_start", "content_block_delta", "content_block_stop",
		"message_delta", "message_stop", "ping", "error", "":
		return true
	}
	return false
}

// errorEvent classifies an error event's data: Anthropic's envelope, or
// (tolerated) a bare error object.
func errorEvent(data []byte) error {
	var body wireErrorBody
	if json.Unmarshal(data, &body) == nil && body.Error != nil {
		return streamError(body.Error)
	}
	var bare wireError
	if json.Unmarshal(data, &bare) == nil && bare.Type != "" && bare.Type != "error" {
		return streamError(&bare)
	}
	return streamError(nil)
}

func (s *StreamTranslator) messageStart(m *wireResponse) []*providers.ChatChunk {
	if m != nil {
		if s.id == "" {
			s.id, s.model = m.ID, m.Model
		}
		s.usage.apply(m.Usage)
	}
	if s.roleSent {
		return nil
	}
	return s.textChunk("")
}

func (s *StreamTranslator) blockStart(index int, b *Block) []*providers.ChatChunk {
	if b == nil {
		return nil
	}
	st := &blockState{kind: b.Type}
	s.blocks[index] = st
	switch b.Type {
	case "text":
		if b.Text == "" {
			return nil
		}
		return s.textChunk(b.Text)
	case "thinking", "redacted_thinking":
		st.thinking = providers.ThinkingBlock{Type: b.Type, Thinking: b.Thinking, Signature: b.Signature, Data: b.Data}
		if b.Thinking != "" {
			return s.reasoningChunk(b.Thinking)
		}
		return nil
	case "tool_use":
		st.tool = s.tools
		s.tools++
		out := s.toolChunk(providers.ToolCall{ID: b.ID, Type: "function", Function: providers.FunctionCall{Name: b.Name}}, st.tool)
		// A start that already carries the whole input (not streamed) still
		// delivers it, as one fragment.
		if in := bytes.TrimSpace(b.Input); len(in) > 0 && !bytes.Equal(in, []byte("{}")) && !bytes.Equal(in, []byte("null")) {
			out = append(out, s.argsChunk(st, ArgumentsJSON(in))...)
		}
		return out
	}
	return nil
}

func (s *StreamTranslator) blockDelta(index int, d *wireDelta) []*providers.ChatChunk {
	if d == nil {
		return nil
	}
	switch d.Type {
	case "text_delta":
		if d.Text == "" {
			return nil
		}
		return s.textChunk(d.Text)
	case "input_json_delta":
		st := s.blocks[index]
		if st == nil || st.kind != "tool_use" || d.PartialJSON == "" {
			return nil
		}
		return s.argsChunk(st, d.PartialJSON)
	case "thinking_delta":
		st := s.blocks[index]
		if st == nil || st.kind != "thinking" || d.Thinking == "" {
			return nil
		}
		st.thinking.Thinking += d.Thinking
		return s.reasoningChunk(d.Thinking)
	case "signature_delta":
		if st := s.blocks[index]; st != nil && st.kind == "thinking" {
			st.thinking.Signature += d.Signature
		}
	}
	return nil // citations_delta and delta types added later
}

// blockStop completes a tool call that streamed no input with "{}", so the
// client's accumulated arguments are always valid JSON.
func (s *StreamTranslator) blockStop(index int) []*providers.ChatChunk {
	st := s.blocks[index]
	delete(s.blocks, index)
	if st != nil && (st.kind == "thinking" || st.kind == "redacted_thinking") {
		return s.thinkingBlockChunk(st.thinking)
	}
	if st == nil || st.kind != "tool_use" || st.sentArgs {
		return nil
	}
	return s.argsChunk(st, "{}")
}

func (s *StreamTranslator) argsChunk(st *blockState, fragment string) []*providers.ChatChunk {
	st.sentArgs = true
	return s.toolChunk(providers.ToolCall{Function: providers.FunctionCall{Arguments: fragment}}, st.tool)
}

// finish emits the finish chunk once.
func (s *StreamTranslator) finish(reason string) []*providers.ChatChunk {
	if s.finished {
		return nil
	}
	s.finished = true
	return s.finishChunk(reason)
}

func (s *StreamTranslator) chunk() *providers.ChatChunk {
	return &providers.ChatChunk{ID: s.id, Object: "chat.completion.chunk", Created: s.created, Model: s.model}
}

// TranslateRelayed translates one event for a client that speaks
// Anthropic's format, and makes the chunks carry the event (see
// providers.StreamEvent): one chunk at least, the first with the event
// itself. Usage and content still flow through the unified chunks for
// accounting and the filter.
func (s *StreamTranslator) TranslateRelayed(name string, data []byte) ([]*providers.ChatChunk, error) {
	chunks, err := s.Translate(name, data)
	if err != nil {
		return nil, err
	}
	if len(chunks) == 0 {
		chunks = append(chunks, s.emptyChunk())
	}
	s.event = providers.StreamEvent{Name: name, Data: data, Relay: true}
	s.rest = providers.StreamEvent{Relay: true}
	chunks[0].Event = &s.event
	for _, c := range chunks[1:] {
		c.Event = &s.rest
	}
	return chunks, nil
}

// emptyChunk is a chunk with no choices, carrying only a relayed event.
func (s *StreamTranslator) emptyChunk() *providers.ChatChunk {
	c := s.chunk()
	c.Choices = []providers.ChunkChoice{}
	return c
}
