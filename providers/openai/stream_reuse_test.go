package openai

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/internal/providertest"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// sseServer streams a short chat completion ending in [DONE], flushing each
// event, and counts the connections it accepts. It ends the body only once
// release is signalled after [DONE], as a real upstream may, a moment later.
// With hold set it stops after the first event until the client goes away,
// then reports on cut.
func sseServer(t *testing.T) (srv *httptest.Server, conns *atomic.Int32, release chan struct{}, hold *atomic.Bool, cut chan struct{}) {
	conns, release, hold, cut = new(atomic.Int32), make(chan struct{}, 1), new(atomic.Bool), make(chan struct{}, 1)
	srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/event-stream")
		for i, ev := range []string{
			`{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"hi"},"finish_reason":null}]}`,
			`{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`,
			`[DONE]`,
		} {
			_, _ = io.WriteString(w, "data: "+ev+"\n\n")
			w.(http.Flusher).Flush()
			if i == 0 && hold.Load() {
				<-r.Context().Done()
				cut <- struct{}{}
				return
			}
		}
		select { // end the body when released, or never (the client gives up)
		case <-release:
		case <-r.Context().Done():
			cut <- struct{}{}
		}
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, conns, release, hold, cut
}

// TestStreamConnectionReused: streams read to [DONE] and closed leave their
// connection to the next one (closing a body short of its end would close
// the connection: in production a new TLS handshake per stream); a stream
// abandoned halfway is cut.
func TestStreamConnectionReused(t *testing.T) {
	srv, conns, release, hold, cut := sseServer(t)
	p := newCompatible(t, srv)
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
				release <- struct{}{}
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
	if got := conns.Load(); got != 1 {
		t.Errorf("5 complete streams used %d connections, want 1", got)
	}

	// Abandoned after the first chunk: the connection is cut, so the
	// upstream sees the client leave and stops generating.
	hold.Store(true)
	s, err := p.ChatStream(context.Background(), providers.Target{}, req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Next(); err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	select {
	case <-cut:
	case <-time.After(5 * time.Second):
		t.Fatal("the upstream never saw the abandoned stream end")
	}
}

// TestStreamDrainIsBounded: an upstream that sends [DONE] but never ends
// the body does not hold Close (and so the handler) for longer than
// DrainWait; the connection is cut.
func TestStreamDrainIsBounded(t *testing.T) {
	srv, _, _, _, cut := sseServer(t)
	p := newCompatible(t, srv)
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
	case <-cut:
	case <-time.After(5 * time.Second):
		t.Fatal("the stalled upstream never saw the connection cut")
	}
}
