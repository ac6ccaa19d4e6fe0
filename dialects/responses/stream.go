package responses

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// StreamEncoder turns unified chunks into the Responses API's typed
// server-sent events, each "event: <type>\ndata: <json>\n\n" with a
// sequence_number rising from 0:
//
//	response.created, response.in_progress (the echoed request, no output)
//	text:      response.output_item.added (message), response.content_part.added,
//	           response.output_text.delta…, response.output_text.done,
//	           response.content_part.done, response.output_item.done
//	refusal:   the same with response.refusal.delta / .done
//	tool call: response.output_item.added (function_call),
//	           response.function_call_arguments.delta…, .done, response.output_item.done
//	reasoning: (when asked for, see reasoning.go) response.output_item.added (reasoning),
//	           with reasoning.summary: response.reasoning_summary_part.added,
//	           response.reasoning_summary_text.delta…, .done, response.reasoning_summary_part.done;
//	           then response.output_item.done (with encrypted_content when included)
//	response.completed or response.incomplete (the full response with usage)
//
// A message item closes when a tool call starts; function_call items stay
// open until their arguments are whole and text, reasoning or the finish
// reason comes, or else until Finish (see stream_calls.go), so an upstream
// that interleaves the fragments of parallel calls, or sends text amid
// them, still yields whole arguments in one item per call.
// The terminal event waits for Finish, so the usage chunk that follows the
// finish chunk is folded into it. Not safe for concurrent use.
type StreamEncoder struct {
	resp    *Response
	meta    Meta
	seq     int
	started bool
	closed  bool

	msg      int // output index of the open message item, -1 when none
	part     int // content index of its open part, -1 when none
	partType string
	text     strings.Builder

	calls []*streamCall // the upstream's tool calls (see stream_calls.go)

	// reasoning: what the client asked for, the output index of the open
	// reasoning item (-1 when none), and its summary text so far.
	summary, encrypted bool
	rs                 int
	rsText             strings.Builder
	rsPart             bool // its summary part is open

	finish string
	usage  *providers.Usage
	buf    bytes.Buffer
}

// NewStreamEncoder starts an encoder for req; m fixes the response id,
// times and the model reported (see Meta).
func NewStreamEncoder(req *Request, m Meta) *StreamEncoder {
	if m.Model == "" {
		m.Model = req.Model
	}
	if m.ID == "" {
		m.ID = m.newID("resp")
	}
	return &StreamEncoder{resp: NewResponse(req, m), meta: m, msg: -1, part: -1, rs: -1,
		summary: req.wantsSummary(), encrypted: req.wantsEncrypted()}
}

// Start writes response.created and response.in_progress unless written
// already; Encode calls it, so calling it is needed only to send them before
// the first chunk.
func (e *StreamEncoder) Start(w io.Writer) error {
	if e.started || e.closed {
		return nil
	}
	e.buf.Reset()
	e.start()
	return e.flush(w)
}

func (e *StreamEncoder) start() {
	e.started = true
	e.writeResponse("response.created")
	e.writeResponse("response.in_progress")
}

// Encode writes the events for one chunk (possibly none) to w.
func (e *StreamEncoder) Encode(c *providers.ChatChunk, w io.Writer) error {
	if e.closed || c == nil {
		return nil
	}
	e.buf.Reset()
	if !e.started {
		e.start()
	}
	if c.Usage != nil {
		u := *c.Usage
		e.usage = &u
	}
	for _, ch := range c.Choices {
		if ch.Index != 0 {
			continue // a response has one answer
		}
		if d := &ch.Delta; d.HasReasoning() && (e.summary || e.encrypted) {
			e.reasoning(d)
		}
		if d := ch.Delta; d.Content != nil && *d.Content != "" {
			e.delta("output_text", *d.Content)
		}
		if d := ch.Delta; d.Refusal != nil && *d.Refusal != "" {
			e.delta("refusal", *d.Refusal)
		}
		for _, tc := range ch.Delta.ToolCalls {
			e.toolCall(tc)
		}
		if ch.FinishReason != nil && *ch.FinishReason != "" {
			e.finish = *ch.FinishReason
			e.closeReasoning()
			e.closeMessage()
			e.closeCalls() // an unfinished call may still get fragments: Finish ends it
		}
	}
	return e.flush(w)
}

// Finish ends the stream: response.completed or response.incomplete, or,
// when err is not nil, response.failed (after response.created) or an error
// event (before it). Later calls do nothing.
func (e *StreamEncoder) Finish(w io.Writer, err error) error {
	if e.closed {
		return nil
	}
	e.closed = true
	e.buf.Reset()
	if err != nil {
		pe := providers.Classify(err)
		if !e.started {
			e.writeError(pe)
			return e.flush(w)
		}
		e.finish = "failed" // what was streamed ends incomplete
		e.closeAll()
		e.resp.fail(pe)
		e.writeResponse("response.failed")
		return e.flush(w)
	}
	if !e.started {
		e.start()
	}
	e.closeAll()
	e.resp.finish(e.finish, e.usage, e.meta)
	if e.resp.Status == "incomplete" {
		e.writeResponse("response.incomplete")
	} else {
		e.writeResponse("response.completed")
	}
	return e.flush(w)
}

// Response is the response as streamed so far; after Finish, the final
// object (what response.completed carried), for the store.
func (e *StreamEncoder) Response() *Response { return e.resp }

// delta appends text of kind output_text or refusal to the open message,
// opening the item or the part as needed.
func (e *StreamEncoder) delta(kind, s string) {
	e.closeReasoning()
	if e.msg < 0 {
		e.closeCalls() // text after tool calls starts a new message item
		e.msg = len(e.resp.Output)
		e.resp.Output = append(e.resp.Output, OutputItem{Type: "message", ID: e.meta.newID("msg"), Status: "in_progress", Role: "assistant"})
		e.write(itemEvent{Type: "response.output_item.added", OutputIndex: e.msg, Item: e.resp.Output[e.msg]})
	}
	item := &e.resp.Output[e.msg]
	if e.partType != kind {
		e.closePart()
		e.part, e.partType = len(item.Content), kind
		item.Content = append(item.Content, OutputContent{Type: kind})
		e.write(partEvent{Type: "response.content_part.added", ItemID: item.ID, OutputIndex: e.msg, ContentIndex: e.part, Part: item.Content[e.part]})
	}
	e.text.WriteString(s)
	if kind == "refusal" {
		e.write(textEvent{Type: "response.refusal.delta", ItemID: item.ID, OutputIndex: e.msg, ContentIndex: e.part, Delta: &s})
		return
	}
	e.writeTextDelta(item.ID, e.msg, e.part, s)
}

// closePart ends the open content part with its full text.
func (e *StreamEncoder) closePart() {
	if e.part < 0 {
		return
	}
	item := &e.resp.Output[e.msg]
	part := &item.Content[e.part]
	part.Text = e.text.String()
	e.text.Reset()
	if part.Type == "refusal" {
		e.write(textEvent{Type: "response.refusal.done", ItemID: item.ID, OutputIndex: e.msg, ContentIndex: e.part, Refusal: &part.Text})
	} else {
		e.write(textEvent{Type: "response.output_text.done", ItemID: item.ID, OutputIndex: e.msg, ContentIndex: e.part, Text: &part.Text, Logprobs: noLogprobs})
	}
	e.write(partEvent{Type: "response.content_part.done", ItemID: item.ID, OutputIndex: e.msg, ContentIndex: e.part, Part: *part})
	e.part, e.partType = -1, ""
}

// closeMessage ends the open message item.
func (e *StreamEncoder) closeMessage() {
	if e.msg < 0 {
		return
	}
	e.closePart()
	item := &e.resp.Output[e.msg]
	item.Status = "completed"
	if e.finish == providers.FinishLength || e.finish == providers.FinishContentFilter || e.finish == "failed" {
		item.Status = "incomplete"
	}
	e.write(itemEvent{Type: "response.output_item.done", OutputIndex: e.msg, Item: *item})
	e.msg = -1
}

func (e *StreamEncoder) closeAll() {
	e.closeReasoning()
	e.closeMessage()
	e.closeEveryCall()
}

var noLogprobs = []struct{}{}

type itemEvent struct {
	Type        string     `json:"type"`
	OutputIndex int        `json:"output_index"`
	Item        OutputItem `json:"item"`
}

type partEvent struct {
	Type         string        `json:"type"`
	ItemID       string        `json:"item_id"`
	OutputIndex  int           `json:"output_index"`
	ContentIndex int           `json:"content_index"`
	Part         OutputContent `json:"part"`
}

type textEvent struct {
	Type         string     `json:"type"`
	ItemID       string     `json:"item_id"`
	OutputIndex  int        `json:"output_index"`
	ContentIndex int        `json:"content_index"`
	Delta        *string    `json:"delta,omitempty"`
	Text         *string    `json:"text,omitempty"`
	Refusal      *string    `json:"refusal,omitempty"`
	Logprobs     []struct{} `json:"logprobs,omitzero"`
}

type argsEvent struct {
	Type        string  `json:"type"`
	ItemID      string  `json:"item_id"`
	OutputIndex int     `json:"output_index"`
	Name        string  `json:"name,omitempty"`
	Delta       *string `json:"delta,omitempty"`
	Arguments   *string `json:"arguments,omitempty"`
}

type responseEvent struct {
	Type     string    `json:"type"`
	Response *Response `json:"response"`
}

type errorEvent struct {
	Type    string  `json:"type"`
	Code    *string `json:"code"`
	Message string  `json:"message"`
	Param   *string `json:"param"`
}

// event is implemented by every event type: its "type".
type event interface{ eventType() string }

func (v itemEvent) eventType() string     { return v.Type }
func (v partEvent) eventType() string     { return v.Type }
func (v textEvent) eventType() string     { return v.Type }
func (v argsEvent) eventType() string     { return v.Type }
func (v responseEvent) eventType() string { return v.Type }
func (v errorEvent) eventType() string    { return v.Type }
func (v summaryEvent) eventType() string  { return v.Type }

func (e *StreamEncoder) writeResponse(typ string) {
	e.write(responseEvent{typ, e.resp})
}

// writeError writes the error event: {type, code, message, param}.
func (e *StreamEncoder) writeError(pe *providers.Error) {
	var env struct {
		Error struct {
			Message string  `json:"message"`
			Type    string  `json:"type"`
			Param   *string `json:"param"`
			Code    *string `json:"code"`
		} `json:"error"`
	}
	_ = json.Unmarshal(pe.OpenAIBody(), &env)
	e.write(errorEvent{"error", env.Error.Code, env.Error.Message, env.Error.Param})
}

// write appends one event; sequence_number is spliced in as the last
// member, so every event type shares one encoder.
func (e *StreamEncoder) write(v event) {
	data, err := json.Marshal(v)
	if err != nil || len(data) < 2 { // cannot happen for these types; never send a broken event
		return
	}
	e.buf.WriteString("event: ")
	e.buf.WriteString(v.eventType())
	e.buf.WriteString("\ndata: ")
	e.buf.Write(data[:len(data)-1])
	e.buf.WriteString(`,"sequence_number":`)
	e.buf.WriteString(strconv.Itoa(e.seq))
	e.buf.WriteString("}\n\n")
	e.seq++
}

func (e *StreamEncoder) flush(w io.Writer) error {
	if e.buf.Len() == 0 {
		return nil
	}
	_, err := w.Write(e.buf.Bytes())
	return err
}
