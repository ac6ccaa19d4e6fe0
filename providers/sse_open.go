package providers

import (
	"bytes"
	"net/http"
	"strings"
)

// sniffSize is how much of a body that is not an event stream is read to
// say what it was; snippetSize is how much of it an error message quotes.
const (
	sniffSize   = 512
	snippetSize = 200
)

// eventStreamType is the media type of server-sent events.
const eventStreamType = "text/event-stream"

// OpenEventStream returns the reader of a 2xx answer to a stream request.
// An answer labelled text/event-stream is read as such without any check,
// so the usual stream costs nothing more. Any other Content-Type (an HTML
// error page a proxy answered with 200, a JSON body) is looked at first:
// when its first bytes do not start like server-sent events, the answer is
// refused with a KindUpstream error that names its type and quotes its
// first bytes (scrubbed), instead of the stream later "ending early".
// Mislabelled event streams still pass. The caller closes resp.Body when it
// gets an error.
func (c *Config) OpenEventStream(resp *http.Response) (*SSEReader, *Error) {
	s := NewSSEReader(resp.Body)
	s.contentType = mediaTypeOf(resp.Header.Get("Content-Type"))
	s.scrub = c.scrub
	if s.contentType == eventStreamType {
		return s, nil
	}
	if s.startsLikeEvents() {
		return s, nil
	}
	head, _ := s.r.Peek(sniffSize) // what there is, up to sniffSize
	e := s.notEventStream(head)
	e.Upstream = resp.StatusCode
	return nil, c.Scrub(e)
}

// startsLikeEvents reads as little as it must of the body to tell whether
// it begins with an SSE field or comment. It waits for the first bytes;
// it never waits for more than the first line needs.
func (s *SSEReader) startsLikeEvents() bool {
	b, err := s.r.Peek(1)
	for {
		if n := s.r.Buffered(); n > len(b) {
			b, _ = s.r.Peek(n)
		}
		looks, decided := sseStart(b)
		switch {
		case decided:
			return looks
		case err != nil, len(b) >= s.r.Size():
			return false // empty, or only blank space and a field name's start
		}
		b, err = s.r.Peek(len(b) + 1)
	}
}

// sseFields are how an event stream's lines begin.
var sseFields = [...]string{"data:", "event:", "id:", "retry:", ":"}

// sseStart says whether b begins like an event stream; decided is false
// while b is too short to tell.
func sseStart(b []byte) (looks, decided bool) {
	b = bytes.TrimPrefix(b, []byte("\uFEFF"))
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) == 0 {
		return false, false
	}
	for _, f := range sseFields {
		switch {
		case bytes.HasPrefix(b, []byte(f)):
			return true, true
		case len(b) < len(f) && strings.HasPrefix(f, string(b)):
			return false, false
		}
	}
	return false, true
}

// noEvents is the error for a body that ended without one event after
// lines that are no SSE fields.
func (s *SSEReader) noEvents() *Error {
	return s.notEventStream(s.junk)
}

// notEventStream says what the body was, quoting its first bytes.
func (s *SSEReader) notEventStream(head []byte) *Error {
	var what string
	switch s.contentType {
	case "":
		what = "upstream answered the stream request with no Content-Type and no event stream"
	case eventStreamType:
		what = "upstream answered the stream request with text/event-stream but sent no events"
	default:
		what = "upstream answered the stream request with " + s.contentType + " instead of an event stream"
	}
	quoted := s.scrub.Snippet(head, snippetSize)
	if quoted == "" {
		quoted = "(empty body)"
	}
	return &Error{Kind: KindUpstream, Code: "not_an_event_stream", Message: what + ": " + quoted}
}

// mediaTypeOf is a Content-Type without its parameters, in lower case.
func mediaTypeOf(contentType string) string {
	mt, _, _ := strings.Cut(contentType, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}
