package aibackends

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// defaultBodyReadTimeout bounds reading a request body when the operator
// sets no body_read_timeout. Caddy sets no read deadline by default, so
// without one a client sending a byte now and then holds its connection
// (and a goroutine) forever.
const defaultBodyReadTimeout = 30 * time.Second

// errBodyTimedOut marks a body that did not arrive within the timeout.
var errBodyTimedOut = errors.New("request body read timed out")

// readWithin reads src (r's body, maybe wrapped) into buf, giving up after
// d. The connection's read deadline does it where the server supports one
// (HTTP/1, HTTP/2 and HTTP/3 all do): nothing runs in the background. Any
// other writer (an in-process recorder, a wrapper that hides the
// connection) gets a timer that closes the body.
func readWithin(w http.ResponseWriter, r *http.Request, buf *bytes.Buffer, src io.Reader, d time.Duration) error {
	if rc := readDeadlineSetter(w); rc != nil && rc.SetReadDeadline(time.Now().Add(d)) == nil {
		_, err := buf.ReadFrom(src)
		if err == nil {
			// Lift it again: the deadline is for the body, and the answer
			// may take far longer. (Go's HTTP/1 server clears it itself
			// before it watches the connection for a client that leaves;
			// the other protocols promise nothing.) After a failure it
			// stays, so the server's draining of an unread body cannot
			// wait on the slow client either.
			_ = rc.SetReadDeadline(time.Time{})
			return nil
		}
		if errors.Is(err, os.ErrDeadlineExceeded) || isTimeout(err) {
			return errBodyTimedOut
		}
		return err
	}
	t := time.AfterFunc(d, func() { _ = r.Body.Close() })
	_, err := buf.ReadFrom(src)
	if !t.Stop() && err != nil { // the timer fired and closed the body
		return errBodyTimedOut
	}
	return err
}

// deadlineSetter is what a connection-backed writer offers (net/http's
// HTTP/1 and HTTP/2 writers, Caddy's HTTP/3 one).
type deadlineSetter interface {
	SetReadDeadline(time.Time) error
}

// readDeadlineSetter finds the writer that sets the connection's read
// deadline through the wrappers' Unwrap methods, as
// http.ResponseController does, but without allocating the controller or,
// where there is none, the ErrNotSupported error on every request.
func readDeadlineSetter(w http.ResponseWriter) deadlineSetter {
	for {
		switch t := w.(type) {
		case deadlineSetter:
			return t
		case interface{ Unwrap() http.ResponseWriter }:
			w = t.Unwrap()
		default:
			return nil
		}
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// bodyTimedOut is the client's answer, in its dialect, to a body that came
// too slowly: 408, which tells the SDKs the request may be sent again.
func bodyTimedOut(d time.Duration) *providers.Error {
	return &providers.Error{
		Kind: providers.KindInvalidRequest, Status: http.StatusRequestTimeout, Code: "request_timeout",
		Message: fmt.Sprintf("the request body did not arrive within %s (the gateway's body_read_timeout); send it again", d),
	}
}

// bodyReadTimeout is the configured limit or the default.
func (h *Handler) bodyReadTimeout() time.Duration {
	if h.BodyReadTimeout > 0 {
		return time.Duration(h.BodyReadTimeout)
	}
	return defaultBodyReadTimeout
}
