package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"syscall"
	"time"
)

// shooter sends the one request shape of a run.
type shooter struct {
	url    string
	body   []byte
	header http.Header
	expect []byte
	client *http.Client
}

// sample is the outcome of one request. Latencies count from the time the
// request was due (open loop) or sent (closed loop, hold).
type sample struct {
	ttfb, total time.Duration
	err         string // "" for a correct answer
}

// tailSize keeps the end of a body, where "[DONE]" and closing braces are.
const tailSize = 256

// shoot sends one request and reads the whole answer. The time to first
// byte is the first byte of the body (for streams, the first event), which
// is what a client waits for; headers alone do not count.
// onFirst, when not nil, is called at the first byte.
func (s *shooter) shoot(ctx context.Context, due time.Time, onFirst func()) sample {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(s.body))
	if err != nil {
		return sample{err: "build: " + err.Error()}
	}
	req.Header = s.header.Clone()
	resp, err := s.client.Do(req)
	if err != nil {
		return sample{total: time.Since(due), err: classify(err)}
	}
	defer resp.Body.Close()
	var smp sample
	buf := make([]byte, 32<<10)
	var seen []byte // the start (for errors) and the tail (for -expect) of the body
	first := true
	for {
		n, rerr := resp.Body.Read(buf)
		if n > 0 {
			if first {
				smp.ttfb = time.Since(due)
				first = false
				if onFirst != nil {
					onFirst()
				}
			}
			seen = keepEnds(seen, buf[:n])
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			smp.total = time.Since(due)
			smp.err = "body: " + classify(rerr)
			return smp
		}
	}
	smp.total = time.Since(due)
	if first {
		smp.ttfb = smp.total
	}
	switch {
	case resp.StatusCode != http.StatusOK:
		smp.err = "status " + strconv.Itoa(resp.StatusCode)
	case len(s.expect) > 0 && !bytes.Contains(seen, s.expect):
		smp.err = "wrong answer"
	}
	return smp
}

// keepEnds keeps the first and the last tailSize bytes seen.
func keepEnds(seen, b []byte) []byte {
	seen = append(seen, b...)
	if len(seen) > 2*tailSize {
		copy(seen[tailSize:], seen[len(seen)-tailSize:])
		seen = seen[:2*tailSize]
	}
	return seen
}

// classify names a transport failure by what matters to a client: a
// timeout, a connection closed under an idempotent-unsafe request (EOF),
// a reset, a refusal.
func classify(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded),
		errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "eof"
	case errors.Is(err, syscall.ECONNRESET):
		return "reset"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "refused"
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	return "other: " + err.Error()
}
