package providertest

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// SSEServer is an upstream that answers every request with the same event
// stream, flushing each event, and counts the connections it accepts: the
// stream tests' check that a stream read to its end leaves its connection
// to the next one. It ends a body only once Release is signalled after the
// last event, as a real upstream may a moment later; when the client goes
// away first, it reports on Cut. With Hold set it stops after the first
// event until the client goes away, then reports on Cut.
type SSEServer struct {
	*httptest.Server
	Conns   atomic.Int32
	Release chan struct{}
	Hold    atomic.Bool
	Cut     chan struct{}
}

// NewSSEServer starts an SSEServer of events (each without the blank line
// that ends it) and closes it when the test ends.
func NewSSEServer(t testing.TB, events ...string) *SSEServer {
	s := &SSEServer{Release: make(chan struct{}, 1), Cut: make(chan struct{}, 1)}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/event-stream")
		for i, ev := range events {
			_, _ = io.WriteString(w, ev+"\n\n")
			w.(http.Flusher).Flush()
			if i == 0 && s.Hold.Load() {
				<-r.Context().Done()
				s.cut()
				return
			}
		}
		select { // end the body when released, or never (the client gives up)
		case <-s.Release:
		case <-r.Context().Done():
			s.cut()
		}
	}))
	s.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			s.Conns.Add(1)
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// cut reports a body the client left before its end; with a report still
// unread, it drops this one rather than hold the handler.
func (s *SSEServer) cut() {
	select {
	case s.Cut <- struct{}{}:
	default:
	}
}
