package openai

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/internal/providertest"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// streamEvents is a short chat completion stream ending in [DONE].
var streamEvents = []string{
	`data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"hi"},"finish_reason":null}]}`,
	`data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`,
	`data: [DONE]`,
}

// TestStreamConnectionReused: streams read to [DONE] and closed leave their
// connection to the next one (closing a body short of its end would close
// the connection: in production a new TLS handshake per stream); a stream
// abandoned halfway is cut.
func TestStreamConnectionReused(t *testing.T) {
	srv := providertest.NewSSEServer(t, streamEvents...)
	p := newCompatible(t, srv.Server)
	req := chatRequest(t, `{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true}`)
	for i := range 5 {
		s, err := p.ChatStream(context.Background(), providers.Target{}, req)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for {
			_, err := s.Next()
			if err == io.EOF {
				srv.Release <- struct{}{}
				break
			}
			if err != nil {
				t.Fatalf("stream %d: %v", i, err)
			}
			n++
		}
		if err := s.Close(); err != nil || n != 2 {
			t.Fatalf("stream %d: %d chunks, close %v", i, n, err)
		}
	}
	if got := srv.Conns.Load(); got != 1 {
		t.Errorf("5 complete streams used %d connections, want 1", got)
	}

	// Abandoned after the first chunk: the connection is cut, so the
	// upstream sees the client leave and stops generating.
	srv.Hold.Store(true)
	s, err := p.ChatStream(context.Background(), providers.Target{}, req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Next(); err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	select {
	case <-srv.Cut:
	case <-time.After(5 * time.Second):
		t.Fatal("the upstream never saw the abandoned stream end")
	}
}

// TestStreamDrainIsBounded: an upstream that sends [DONE] but never ends
// the body does not hold Close (and so the handler) for longer than
// DrainWait; the connection is cut.
func TestStreamDrainIsBounded(t *testing.T) {
	srv := providertest.NewSSEServer(t, streamEvents...)
	p := newCompatible(t, srv.Server)
	req := chatRequest(t, `{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true}`)
	s, err := p.ChatStream(context.Background(), providers.Target{}, req)
	if err != nil {
		t.Fatal(err)
	}
	providertest.Text(t, s)
	start := time.Now()
	_ = s.Close()
	if d := time.Since(start); d > 10*providers.DrainWait {
		t.Errorf("Close took %v with a stalled body", d)
	}
	select {
	case <-srv.Cut:
	case <-time.After(5 * time.Second):
		t.Fatal("the stalled upstream never saw the connection cut")
	}
}
