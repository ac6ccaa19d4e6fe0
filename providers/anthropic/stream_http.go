package anthropic

import (
	"context"
	"errors"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// chatStream reads the upstream event stream one event per Next call and
// hands each event to the StreamTranslator.
type chatStream struct {
	p      *Provider
	cancel context.CancelFunc // ends the upstream request; Close bounds its drain with it
	body   io.ReadCloser
	sse    *providers.SSEReader
	tr     *StreamTranslator
	queue  providers.ChunkQueue // the last event's chunks
	err    error                // sticky (ChunkQueue.Next)
	once   sync.Once
	ended  atomic.Bool // message_stop arrived: Close drains the body to keep the connection
	relay  bool        // the client speaks Anthropic's format: chunks carry their event
}

// Next returns the next chunk, io.EOF after message_stop, or a classified
// error: a mid-stream error event, a body that ends before message_stop
// (KindNetwork), a timeout between events, or the client going away.
func (s *chatStream) Next() (*providers.ChatChunk, error) {
	return s.queue.Next(&s.err, s.step, s.Close)
}

// step reads and translates one upstream event.
func (s *chatStream) step() ([]*providers.ChatChunk, error) {
	if s.tr.Done() {
		s.ended.Store(true)
		return nil, io.EOF
	}
	ev, err := s.sse.Next()
	if err != nil {
		return nil, s.readError(err)
	}
	var chunks []*providers.ChatChunk
	if s.relay {
		chunks, err = s.tr.TranslateRelayed(ev.Name, ev.Data)
	} else {
		chunks, err = s.tr.Translate(ev.Name, ev.Data)
	}
	if err != nil {
		return nil, s.p.tag(err)
	}
	return chunks, nil
}

func (s *chatStream) readError(err error) error {
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return s.p.tag(&providers.Error{Kind: providers.KindNetwork, Message: "upstream stream ended early", Err: err})
	case errors.Is(err, providers.ErrSSETooLarge):
		return s.p.tag(&providers.Error{Kind: providers.KindUpstream, Message: err.Error(), Err: err})
	}
	return s.p.Config.TransportError(err)
}

// Close releases the upstream connection; safe to call more than once.
// After message_stop the rest of the body is read first (for at most
// providers.DrainWait), so the connection goes back to the pool; a stream
// abandoned before it is cut, which stops the upstream's generation.
func (s *chatStream) Close() error {
	s.once.Do(func() {
		if s.ended.Load() {
			t := time.AfterFunc(providers.DrainWait, s.cancel)
			s.sse.Drain()
			t.Stop()
		}
		s.body.Close()
		s.cancel()
	})
	return nil
}

var _ providers.ChatStream = (*chatStream)(nil)
