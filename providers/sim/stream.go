package sim

import (
	"context"
	"encoding/json"
	"io"
	"sync/atomic"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// ChatStream starts a streamed answer after the configured latency, or
// fails before any chunk as configured. The chunks follow OpenAI: the role
// (with the tool call's id and name when calling a tool), one token per
// chunk paced by tokens_per_second, the finish reason, then a usage chunk
// with no choices, always sent (the handler decides whether the client
// sees it).
func (p *Provider) ChatStream(ctx context.Context, t providers.Target, req *providers.ChatRequest) (providers.ChatStream, error) {
	r, err := p.compose(t, req, true)
	if err != nil {
		return nil, err
	}
	if err := p.begin(ctx); err != nil {
		return nil, err
	}
	s := &stream{
		p:       p,
		reply:   r,
		id:      p.completionID(),
		model:   t.Model,
		created: p.now().Unix(),
		usage:   usage(&r),
	}
	s.ctx, s.cancel = context.WithCancel(ctx)
	return s, nil
}

// Stages of a stream.
const (
	stageHead = iota
	stageTokens
	stageFinish
	stageUsage
	stageDone
)

// stream hands out a composed reply chunk by chunk.
type stream struct {
	p       *Provider
	reply   reply
	id      string
	model   string
	created int64
	usage   providers.Usage

	ctx    context.Context // the call's context; Close cancels it
	cancel context.CancelFunc
	closed atomic.Bool
	stage  int
	next   int // the next token to send
}

// nullJSON is what OpenAI sends as a chunk's logprobs.
var nullJSON = json.RawMessage("null")

// chunkBox holds a chunk and everything it points to in one allocation.
type chunkBox struct {
	chunk  providers.ChatChunk
	choice [1]providers.ChunkChoice
	call   [1]providers.ToolCall
	text   string
	finish string
	index  int
}

// Next returns the next chunk, io.EOF after the usage chunk, or the
// classified cancellation once the call's context is done.
func (s *stream) Next() (*providers.ChatChunk, error) {
	if err := s.interrupted(); err != nil {
		return nil, err
	}
	if s.stage == stageTokens && s.next >= len(s.reply.cuts) {
		s.stage = stageFinish
	}
	var box *chunkBox
	switch s.stage {
	case stageHead:
		box = s.newChunk()
		delta := &box.choice[0].Delta
		delta.Role = "assistant"
		if s.reply.toolName != "" {
			box.call[0] = providers.ToolCall{
				Index:    &box.index,
				ID:       s.reply.toolID,
				Type:     "function",
				Function: providers.FunctionCall{Name: s.reply.toolName},
			}
			delta.ToolCalls = box.call[:]
		} else {
			delta.Content = &box.text // "": OpenAI's first chunk carries an empty content
		}
		s.stage = stageTokens
	case stageTokens:
		if err := s.p.wait(s.ctx, s.p.interval); err != nil {
			return nil, s.stopped(err)
		}
		if err := s.interrupted(); err != nil {
			return nil, err
		}
		start := 0
		if s.next > 0 {
			start = s.reply.cuts[s.next-1]
		}
		piece := s.reply.content[start:s.reply.cuts[s.next]]
		s.next++
		box = s.newChunk()
		delta := &box.choice[0].Delta
		if s.reply.toolName != "" {
			box.call[0] = providers.ToolCall{Index: &box.index, Function: providers.FunctionCall{Arguments: piece}}
			delta.ToolCalls = box.call[:]
		} else {
			box.text = piece
			delta.Content = &box.text
		}
	case stageFinish:
		box = s.newChunk()
		box.finish = s.reply.finish
		box.choice[0].FinishReason = &box.finish
		s.stage = stageUsage
	case stageUsage:
		box = s.newChunk()
		box.chunk.Choices = []providers.ChunkChoice{}
		box.chunk.Usage = &s.usage
		s.stage = stageDone
	default:
		return nil, io.EOF
	}
	return &box.chunk, nil
}

// newChunk returns a chunk of this stream with one empty choice.
func (s *stream) newChunk() *chunkBox {
	box := &chunkBox{}
	box.choice[0].Logprobs = nullJSON
	box.chunk = providers.ChatChunk{
		ID:      s.id,
		Object:  "chat.completion.chunk",
		Created: s.created,
		Model:   s.model,
		Choices: box.choice[:],
	}
	return box
}

// interrupted reports a closed stream or a done context.
func (s *stream) interrupted() error {
	if s.closed.Load() {
		return errClosed(s.p.Name)
	}
	if err := s.ctx.Err(); err != nil {
		return s.p.contextError(err)
	}
	return nil
}

// stopped turns a wait cut short by Close into the closed-stream error.
func (s *stream) stopped(err error) error {
	if s.closed.Load() {
		return errClosed(s.p.Name)
	}
	return err
}

// Close ends the stream; a Next waiting for its next token returns at once.
func (s *stream) Close() error {
	s.closed.Store(true)
	s.cancel()
	return nil
}

func errClosed(provider string) error {
	return &providers.Error{Kind: providers.KindCanceled, Provider: provider, Message: "stream closed"}
}
