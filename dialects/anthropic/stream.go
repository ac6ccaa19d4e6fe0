package anthropic

import (
	"bytes"
	"io"

	"github.com/sira-ai/caddy-ai-backends/providers"
	wire "github.com/sira-ai/caddy-ai-backends/providers/anthropic"
)

// StreamEncoder turns unified chunks into Anthropic's server-sent events for
// a /v1/messages client, in the official order
// (https://docs.anthropic.com/en/api/messages-streaming):
//
//	message_start (empty content; usage so far) and one ping
//	per block: content_block_start, content_block_delta…, content_block_stop
//	  reasoning, when the client enabled thinking → a thinking block
//	  (thinking "", signature "") with thinking_delta fragments and, last,
//	  one signature_delta: the provider's signature when a signed block
//	  came (thinking_blocks), the gateway's mark otherwise
//	  (thinking_signature.go); redacted_thinking blocks come whole
//	  text → a text block (text_delta); each tool call → a tool_use block
//	  (id, name, input {}) with input_json_delta fragments; block indexes rise
//	  from 0 and a block is closed before the next one opens (see
//	  stream_order.go for parallel tool calls whose fragments interleave)
//	message_delta (stop_reason, stop_sequence null, cumulative usage)
//	message_stop
//
// There is no [DONE]. message_delta waits for Finish, so the usage chunk that
// follows the finish chunk is folded into it. A failure is an error event in
// Anthropic's envelope. Not safe for concurrent use.
type StreamEncoder struct {
	model         string
	started       bool
	closed        bool
	open          int          // index of the open block, -1 when none
	kind          string       // its type
	tool          int          // the upstream index of the open tool_use block
	args          jsonEnd      // whether that block's arguments have ended
	next          int          // index of the next block
	held          []heldBlock  // blocks begun while the open one may not end, in order
	calls         map[int]bool // upstream tool indexes seen
	finish        string
	lastUse       bool // the last block opened is a tool_use
	usage         *providers.Usage
	inputEstimate int // message_start's input count when the first chunk has none
	view          reasoningView
	signature     *string // the open thinking block's provider signature, once known
	buf           bytes.Buffer
}

// NewStreamEncoder starts an encoder; model is the public model name.
func NewStreamEncoder(model string) *StreamEncoder {
	return &StreamEncoder{model: model, open: -1}
}

// EstimateInput sets the input token count message_start announces when the
// first chunk carries no usage (an upstream that reports usage only at the
// end): clients that read input usage from message_start (LangChain's
// streaming usage) then see the gateway's estimate instead of 0. The final
// message_delta still carries the upstream's exact count.
func (e *StreamEncoder) EstimateInput(n int) { e.inputEstimate = max(n, 0) }

// Encode writes the events for one chunk (possibly none) to w.
func (e *StreamEncoder) Encode(c *providers.ChatChunk, w io.Writer) error {
	if e.closed || c == nil {
		return nil
	}
	e.buf.Reset()
	if !e.started {
		e.start(c.ID, c.Usage)
	}
	if c.Usage != nil {
		e.usage = c.Usage
	}
	for _, ch := range c.Choices {
		if ch.Index != 0 {
			continue // Anthropic messages have one answer
		}
		if e.view.show && ch.Delta.HasReasoning() {
			e.reasoning(&ch.Delta)
		}
		if d := ch.Delta; d.Content != nil && *d.Content != "" {
			e.stream("text", *d.Content)
		}
		if d := ch.Delta; d.Refusal != nil && *d.Refusal != "" {
			e.stream("text", *d.Refusal)
		}
		for _, tc := range ch.Delta.ToolCalls {
			e.toolCall(tc)
		}
		if ch.FinishReason != nil && *ch.FinishReason != "" {
			e.finish = *ch.FinishReason
			e.closeAll()
		}
	}
	return e.flush(w)
}

// Finish ends the stream: message_delta and message_stop, or, when err is
// not nil, an error event. Later calls do nothing.
func (e *StreamEncoder) Finish(w io.Writer, err error) error {
	if e.closed {
		return nil
	}
	e.closed = true
	e.buf.Reset()
	if err != nil {
		body := EncodeError(providers.Classify(err))
		e.event("error", body)
		return e.flush(w)
	}
	if !e.started {
		e.start("", nil)
	}
	e.closeAll()
	type delta struct {
		StopReason   string  `json:"stop_reason"`
		StopSequence *string `json:"stop_sequence"`
	}
	stop := stopReason(e.finish, e.lastUse)
	if e.usage == nil {
		e.write("message_delta", struct {
			Type  string `json:"type"`
			Delta delta  `json:"delta"`
			Usage struct {
				OutputTokens int `json:"output_tokens"`
			} `json:"usage"`
		}{Type: "message_delta", Delta: delta{StopReason: stop}})
	} else {
		e.write("message_delta", struct {
			Type  string   `json:"type"`
			Delta delta    `json:"delta"`
			Usage outUsage `json:"usage"`
		}{"message_delta", delta{StopReason: stop}, anthropicUsage(e.usage)})
	}
	e.event("message_stop", []byte(`{"type":"message_stop"}`))
	return e.flush(w)
}

// start writes message_start and a ping. Input usage is exact here only if
// the first chunk carried it, the estimate (EstimateInput) otherwise; the
// final message_delta always has the exact count.
func (e *StreamEncoder) start(id string, u *providers.Usage) {
	e.started = true
	msg := outMessage{ID: messageID(id), Type: "message", Role: "assistant", Model: e.model,
		Content: []outBlock{}, Usage: anthropicUsage(u)}
	if u == nil || u.PromptTokens == 0 {
		msg.Usage.InputTokens = e.inputEstimate
	}
	msg.Usage.OutputTokens = 0
	e.write("message_start", struct {
		Type    string     `json:"type"`
		Message outMessage `json:"message"`
	}{"message_start", msg})
	e.event("ping", []byte(`{"type":"ping"}`))
}

// stream writes s to a block of type kind (text or thinking): the block
// begun last when it has that type and is not closed, a new one otherwise.
func (e *StreamEncoder) stream(kind, s string) {
	if e.lastKind() != kind {
		empty := ""
		b := outBlock{Type: kind, Text: &empty}
		if kind == "thinking" {
			b = outBlock{Type: kind, thinkingFields: &thinkingFields{Thinking: &empty, Signature: &empty}}
		}
		e.begin(b, 0)
	}
	if s != "" {
		e.add(s)
	}
}

// toolCall streams a tool call's fragment into its tool_use block: the
// open one, a held one, or one begun for a new upstream index. A fragment
// for a call whose block is closed is dropped, as no delta may follow a
// content_block_stop: the block closed only once its arguments were a
// complete JSON value, or at the finish.
func (e *StreamEncoder) toolCall(tc providers.ToolCall) {
	idx := 0
	if tc.Index != nil {
		idx = *tc.Index
	}
	args := tc.Function.Arguments
	switch h := e.heldCall(idx); {
	case e.kind == "tool_use" && e.tool == idx:
		if args != "" {
			e.delta(args)
		}
	case h != nil:
		h.data = append(h.data, args...)
		if h.out.ID == "" {
			h.out.ID = tc.ID
		}
		if h.out.Name == "" {
			h.out.Name = tc.Function.Name
		}
	case e.calls[idx]:
		return
	default:
		if e.calls == nil {
			e.calls = map[int]bool{}
		}
		e.calls[idx] = true
		e.begin(outBlock{Type: "tool_use", ID: tc.ID, Name: tc.Function.Name, Input: []byte("{}")}, idx)
		if args != "" {
			e.add(args)
		}
	}
	e.release(false)
}

// delta writes s to the open block as the delta its type takes.
func (e *StreamEncoder) delta(s string) {
	switch e.kind {
	case "text":
		e.write("content_block_delta", blockDelta{Type: "content_block_delta", Index: e.open,
			Delta: deltaBody{Type: "text_delta", Text: &s}})
	case "tool_use":
		e.args.feed(s)
		e.write("content_block_delta", blockDelta{Type: "content_block_delta", Index: e.open,
			Delta: deltaBody{Type: "input_json_delta", PartialJSON: &s}})
	case "thinking":
		e.write("content_block_delta", thinkingDelta{Type: "content_block_delta", Index: e.open,
			Delta: thinkingDeltaBody{Type: "thinking_delta", Thinking: &s}})
	}
}

// openBlock closes the open block and writes b's content_block_start; tool
// is the upstream index of a tool_use block, whose id is made up when the
// upstream sent none.
func (e *StreamEncoder) openBlock(b outBlock, tool int) {
	e.closeBlock()
	if b.Type == "tool_use" {
		b.ID = toolUseID(b.ID)
		e.tool, e.args = tool, jsonEnd{}
	}
	e.open, e.kind = e.next, b.Type
	e.lastUse = b.Type == "tool_use"
	e.next++
	e.write("content_block_start", struct {
		Type         string   `json:"type"`
		Index        int      `json:"index"`
		ContentBlock outBlock `json:"content_block"`
	}{"content_block_start", e.open, b})
}

func (e *StreamEncoder) closeBlock() {
	if e.open < 0 {
		return
	}
	if e.kind == "thinking" {
		sig := e.signature
		if sig == nil {
			mark := gatewaySignature(e.view.source)
			sig = &mark
		}
		e.signature = nil
		e.write("content_block_delta", thinkingDelta{Type: "content_block_delta", Index: e.open,
			Delta: thinkingDeltaBody{Type: "signature_delta", Signature: sig}})
	}
	e.write("content_block_stop", struct {
		Type  string `json:"type"`
		Index int    `json:"index"`
	}{"content_block_stop", e.open})
	e.open, e.kind = -1, ""
}

// contentBlockDelta is a content_block_delta event; text and tool deltas
// (deltaBody) and thinking deltas (thinkingDeltaBody) have types of their
// own, which keeps the common events small.
type contentBlockDelta[D any] struct {
	Type  string `json:"type"`
	Index int    `json:"index"`
	Delta D      `json:"delta"`
}

type (
	blockDelta    = contentBlockDelta[deltaBody]
	thinkingDelta = contentBlockDelta[thinkingDeltaBody]
)

type deltaBody struct {
	Type        string  `json:"type"`
	Text        *string `json:"text,omitempty"`
	PartialJSON *string `json:"partial_json,omitempty"`
}

type thinkingDeltaBody struct {
	Type      string  `json:"type"`
	Thinking  *string `json:"thinking,omitempty"`
	Signature *string `json:"signature,omitempty"`
}

func (e *StreamEncoder) write(name string, v any) {
	data, err := wire.Marshal(v)
	if err != nil { // cannot happen for these types; never send a broken event
		return
	}
	e.event(name, data)
}

// event appends one SSE event: "event: <name>\ndata: <json>\n\n".
func (e *StreamEncoder) event(name string, data []byte) {
	e.buf.WriteString("event: ")
	e.buf.WriteString(name)
	e.buf.WriteString("\ndata: ")
	e.buf.Write(data)
	e.buf.WriteString("\n\n")
}

func (e *StreamEncoder) flush(w io.Writer) error {
	if e.buf.Len() == 0 {
		return nil
	}
	_, err := w.Write(e.buf.Bytes())
	return err
}
