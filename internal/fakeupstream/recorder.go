// Package fakeupstream reproduces the wire formats of the providers' official
// APIs (OpenAI, Anthropic, Gemini) as httptest servers that record what they
// received, so tests can assert what really went over the wire.
package fakeupstream

import (
	"io"
	"net/http"
	"sync"
)

// Recorded is one request a fake received.
type Recorded struct {
	Method string
	Path   string // path with the raw query, e.g. /v1beta/models/x:streamGenerateContent?alt=sse
	Header http.Header
	Body   []byte
}

// Recorder keeps every request a fake received. Safe for concurrent use.
type Recorder struct {
	mu   sync.Mutex
	reqs []Recorded
}

// Record reads r's body and stores the request; it returns the body.
func (rec *Recorder) Record(r *http.Request) []byte {
	body, _ := io.ReadAll(r.Body)
	path := r.URL.Path
	if r.URL.RawQuery != "" {
		path += "?" + r.URL.RawQuery
	}
	rec.mu.Lock()
	rec.reqs = append(rec.reqs, Recorded{Method: r.Method, Path: path, Header: r.Header.Clone(), Body: body})
	rec.mu.Unlock()
	return body
}

// Requests returns a copy of all recorded requests, oldest first.
func (rec *Recorder) Requests() []Recorded {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]Recorded(nil), rec.reqs...)
}

// Count returns how many requests were recorded.
func (rec *Recorder) Count() int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return len(rec.reqs)
}

// Last returns the newest request (zero value when none).
func (rec *Recorder) Last() Recorded {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.reqs) == 0 {
		return Recorded{}
	}
	return rec.reqs[len(rec.reqs)-1]
}

// Reset forgets all requests.
func (rec *Recorder) Reset() {
	rec.mu.Lock()
	rec.reqs = nil
	rec.mu.Unlock()
}
