package google

import (
	"bytes"
	"errors"
	"io"
	"sync"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// chatStream reads one upstream event per Next call when no converted
// chunk is pending; it never buffers the response.
type chatStream struct {
	body    io.ReadCloser
	events  *providers.SSEReader
	conv    *streamConverter
	pending []*providers.ChatChunk // what Next hands out, from the front
	// pendingBuf is pending's whole array, reused once pending is empty
	// (Next slices its front off).
	pendingBuf []*providers.ChatChunk
	provider   string
	cfg        *providers.Config // scrubs every error the stream returns
	ended      bool              // the usage chunk was returned
	relay      bool              // chunks carry the upstream's events (relayChunks)
	event      providers.StreamEvent
	lastEvent  providers.StreamEvent
	err        error // sticky: once failed or ended, the stream stays so
	closeOnce  sync.Once
}

// Next returns the next chunk, or io.EOF after the usage chunk.
func (s *chatStream) Next() (*providers.ChatChunk, error) {
	if s.err != nil {
		return nil, s.err
	}
	for len(s.pending) == 0 {
		s.pending = s.pendingBuf[:0] // all of it went out: its room serves the next event
		if s.ended {
			s.err = io.EOF
			return nil, io.EOF
		}
		if err := s.read(); err != nil {
			s.err = err
			return nil, err
		}
	}
	chunk := s.pending[0]
	s.pending[0] = nil
	s.pending = s.pending[1:]
	return chunk, nil
}

// read converts the next event into pending chunks.
func (s *chatStream) read() error {
	ev, err := s.events.Next()
	if err == io.EOF {
		chunk, err := s.conv.end()
		if err != nil {
			return s.stamp(err)
		}
		s.ended = true
		s.pending = append(s.pending, chunk)
		s.pendingBuf = s.pending
		return nil
	}
	if err != nil {
		return s.stamp(s.readError(err))
	}
	data := bytes.TrimSpace(ev.Data)
	if len(data) == 0 {
		return nil
	}
	chunks, err := s.conv.feed(data)
	if err != nil {
		return s.stamp(err)
	}
	if s.relay {
		chunks = s.relayChunks(chunks, data)
	}
	s.pending = append(s.pending, chunks...)
	s.pendingBuf = s.pending
	return nil
}

// readError classifies a failure to read the next event.
func (s *chatStream) readError(err error) error {
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &providers.Error{Kind: providers.KindNetwork, Provider: s.provider, Message: "stream ended early: upstream closed it inside an event", Err: err}
	case errors.Is(err, providers.ErrSSETooLarge):
		return &providers.Error{Kind: providers.KindUpstream, Provider: s.provider, Message: err.Error(), Err: err}
	}
	return s.stamp(err)
}

// stamp classifies err, marks it as this provider's and scrubs it.
func (s *chatStream) stamp(err error) error { return s.cfg.Scrub(err) }

// Close releases the upstream connection; safe to call more than once and
// from another goroutine than Next's.
func (s *chatStream) Close() error {
	var err error
	s.closeOnce.Do(func() { err = s.body.Close() })
	return err
}

// Interface guard.
var _ providers.ChatStream = (*chatStream)(nil)

// relayChunks makes an event's chunks carry it (see providers.StreamEvent)
// for a Gemini client: every chunk points to the event, whose Data rides
// on the last, so the client's writer has seen (and the security filter
// has marked) all of the event's content before it writes the event.
func (s *chatStream) relayChunks(chunks []*providers.ChatChunk, data []byte) []*providers.ChatChunk {
	if len(chunks) == 0 {
		chunks = append(chunks, s.conv.emptyChunk())
	}
	// One event is in flight at a time (a chunk's Event is valid until
	// the next Next call), so two structs per stream serve every chunk:
	// the last one's, which carries the data, and the others'.
	s.event = providers.StreamEvent{Relay: true}
	for _, c := range chunks {
		c.Event = &s.event
	}
	s.lastEvent = providers.StreamEvent{Data: data, Relay: true, ModelAt: s.conv.modelAt()}
	chunks[len(chunks)-1].Event = &s.lastEvent
	return chunks
}
