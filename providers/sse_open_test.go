package providers

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func streamResponse(contentType, body string) *http.Response {
	h := http.Header{}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	return &http.Response{StatusCode: 200, Header: h, Body: io.NopCloser(strings.NewReader(body))}
}

// TestOpenEventStreamRefusesHTML: a 200 HTML page (a proxy's error page)
// on a stream request is refused at once, saying what it was, quoting its
// start with the credentials scrubbed.
func TestOpenEventStreamRefusesHTML(t *testing.T) {
	const key = "sk-live-0123456789abcdef"
	c := &Config{Name: "up"}
	c.Scrubber().Add(key)
	page := "<!DOCTYPE html>\n<html><body>Bad gateway. Your key " + key + " was rejected." + strings.Repeat(" padding", 100) + "</body></html>"
	_, e := c.OpenEventStream(streamResponse("text/html; charset=UTF-8", page))
	if e == nil {
		t.Fatal("HTML accepted as an event stream")
	}
	want := "upstream answered the stream request with text/html instead of an event stream: <!DOCTYPE html> <html><body>Bad gateway. Your key " + KeyFingerprint(key)
	if e.Kind != KindUpstream || e.Provider != "up" || e.Upstream != 200 || !strings.HasPrefix(e.Message, want) || !strings.HasSuffix(e.Message, "…") {
		t.Errorf("got %+v", e)
	}
	if len(e.Message) > len(want)+snippetSize {
		t.Errorf("quoted too much: %d bytes", len(e.Message))
	}
	for ct, body := range map[string]string{"": "", "application/xml": "<error>nope</error>", "text/plain": "  Internal Server Error"} {
		if _, e := c.OpenEventStream(streamResponse(ct, body)); e == nil || e.Kind != KindUpstream {
			t.Errorf("%q %q accepted: %v", ct, body, e)
		}
	}
}

// TestOpenEventStreamAcceptsEvents: a stream labelled text/event-stream is
// not looked at; a mislabelled one that starts like SSE passes, its first
// event intact.
func TestOpenEventStreamAcceptsEvents(t *testing.T) {
	c := &Config{Name: "up"}
	for ct, body := range map[string]string{
		"text/event-stream; charset=utf-8": "<html>not looked at</html>",
		"text/plain":                       "data: {\"a\":1}\n\n",
		"":                                 "\n\n: keep-alive\n\ndata: {\"a\":1}\n\n",
		"application/octet-stream":         "event: message_start\ndata: {\"a\":1}\n\n",
		"text/html":                        "id: 1\ndata: {\"a\":1}\n\n",
	} {
		s, e := c.OpenEventStream(streamResponse(ct, body))
		if e != nil {
			t.Errorf("%q %q refused: %v", ct, body, e)
			continue
		}
		if strings.HasPrefix(body, "<html>") {
			continue
		}
		ev, err := s.Next()
		if err != nil || string(ev.Data) != `{"a":1}` {
			t.Errorf("%q: event %q, %v", body, ev.Data, err)
		}
	}
}

// TestSSEReaderReportsNoEvents: a body labelled as an event stream that
// holds no event but other lines is reported as such, not as an early end;
// a body with events and one stray line is unaffected.
func TestSSEReaderReportsNoEvents(t *testing.T) {
	c := &Config{Name: "up"}
	s, e := c.OpenEventStream(streamResponse("text/event-stream", "<html>\n<body>oops</body>\n</html>\n"))
	if e != nil {
		t.Fatal(e)
	}
	_, err := s.Next()
	var got *Error
	if ee, ok := err.(*Error); ok {
		got = ee
	}
	if got == nil || got.Kind != KindUpstream || got.Message != "upstream answered the stream request with text/event-stream but sent no events: <html> <body>oops</body> </html>" {
		t.Errorf("got %v", err)
	}

	r := NewSSEReader(strings.NewReader("data: 1\n\nstray line\n"))
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("after an event: %v", err)
	}
	if _, err := NewSSEReader(strings.NewReader("")).Next(); err != io.EOF {
		t.Errorf("empty: %v", err)
	}
}
