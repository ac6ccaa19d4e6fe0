package bedrock

import (
	"encoding/json"
	"errors"
	"io"
	"sync"

	"github.com/sira-ai/caddy-ai-backends/providers"
	"github.com/sira-ai/caddy-ai-backends/providers/anthropic"
)

// chatStream reads the event-stream body one frame per step: ConverseStream
// events for the streamTranslator, or InvokeModelWithResponseStream
// "chunk" events whose bytes are Anthropic stream events, relayed to the
// /v1/messages client and translated for accounting.
type chatStream struct {
	b        *Bedrock
	a        *attempt
	body     io.ReadCloser
	frames   *frameReader
	converse *streamTranslator           // Converse, or
	claude   *anthropic.StreamTranslator // InvokeModel (relay)
	queue    providers.ChunkQueue
	err      error // sticky (ChunkQueue.Next)
	once     sync.Once
}

// Next returns the next chunk, io.EOF after the end, or a classified
// error: an exception frame, a failed checksum, a body cut short, a timeout
// between frames, the client going away.
func (s *chatStream) Next() (*providers.ChatChunk, error) {
	return s.queue.Next(&s.err, s.step, s.Close)
}

// step reads and translates one frame.
func (s *chatStream) step() ([]*providers.ChatChunk, error) {
	if s.ended() {
		return nil, io.EOF
	}
	s.a.resume()
	fr, err := s.frames.next()
	s.a.pause()
	if err != nil {
		return nil, s.readError(err)
	}
	if ferr := fr.failure(); ferr != nil {
		return nil, s.b.Scrub(ferr)
	}
	chunks, err := s.translate(&fr)
	if err != nil {
		return nil, s.b.Scrub(err)
	}
	return chunks, nil
}

// ended reports whether the translator saw the stream's last event.
func (s *chatStream) ended() bool {
	if s.claude != nil {
		return s.claude.Done()
	}
	return s.converse.done
}

func (s *chatStream) translate(fr *frame) ([]*providers.ChatChunk, error) {
	if s.converse != nil {
		return s.converse.translate(fr.eventType, fr.payload)
	}
	if fr.eventType != "chunk" {
		return nil, nil
	}
	var w struct {
		Bytes []byte `json:"bytes"` // base64 on the wire; decoded into a new slice
	}
	if err := json.Unmarshal(fr.payload, &w); err != nil {
		return nil, &providers.Error{Kind: providers.KindUpstream, Message: "upstream sent a malformed stream chunk", Err: err}
	}
	return s.claude.TranslateRelayed(eventName(w.Bytes), w.Bytes)
}

// eventName is an Anthropic event's "type", its SSE event name.
func eventName(data []byte) string {
	var head struct {
		Type string `json:"type"`
	}
	_ = json.Unmarshal(data, &head)
	return head.Type
}

func (s *chatStream) readError(err error) error {
	switch {
	case s.a.timedOut() || s.a.parent.Err() != nil:
		return s.b.attemptError(s.a, err)
	case errors.Is(err, io.EOF):
		if s.converse != nil && s.converse.stopped {
			// messageStop came; the metadata (usage) event did not.
			return io.EOF
		}
		return s.b.Scrub(&providers.Error{Kind: providers.KindNetwork, Message: "upstream stream ended early", Err: err})
	case errors.Is(err, io.ErrUnexpectedEOF):
		return s.b.Scrub(&providers.Error{Kind: providers.KindNetwork, Message: "upstream stream ended early", Err: err})
	}
	var e *providers.Error
	if errors.As(err, &e) {
		return s.b.Scrub(e)
	}
	if errors.Is(err, errFrameTooLarge) || isChecksum(err) {
		return s.b.Scrub(&providers.Error{Kind: providers.KindUpstream, Message: err.Error(), Err: err})
	}
	return s.b.attemptError(s.a, err)
}

// Close releases the upstream connection; safe to call more than once.
func (s *chatStream) Close() error {
	s.once.Do(func() {
		s.body.Close()
		s.a.end()
	})
	return nil
}

var _ providers.ChatStream = (*chatStream)(nil)
