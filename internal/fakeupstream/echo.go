package fakeupstream

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
)

// Echo is the wire format an echoing fake answers in.
type Echo string

// The formats NewEcho speaks.
const (
	EchoOpenAI    Echo = "openai"
	EchoAnthropic Echo = "anthropic"
	EchoGemini    Echo = "gemini"
	EchoHTML      Echo = "html"
)

// NewEcho starts a misbehaving upstream that echoes every credential it was
// sent back in its errors, as some upstreams and many proxies do: every
// request header (name: value), the URL with its query, and the query
// values once more, decoded. A request for a stream is answered 200 with
// one error event in the format's own shape; any other request is answered
// 400 with the format's error body. The message goes into the error's
// message and, where the format has them, its code and param too.
// EchoHTML answers every request 200 with an HTML page holding the echo,
// as a proxy's error page does.
func NewEcho(format Echo) (*httptest.Server, *Recorder) {
	rec := new(Recorder)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := rec.Record(r)
		msg := EchoOf(r)
		stream := strings.Contains(r.URL.Path, "streamGenerateContent") || strings.Contains(string(body), `"stream":true`)
		switch format {
		case EchoHTML:
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, "<html><body><h1>Bad gateway</h1><p>%s</p></body></html>\n", msg)
		case EchoOpenAI:
			errObj := map[string]any{"message": msg, "type": "invalid_request_error", "param": msg, "code": msg}
			if stream {
				writeEchoEvents(w, "", map[string]any{"error": errObj})
				return
			}
			writeEchoJSON(w, http.StatusBadRequest, map[string]any{"error": errObj})
		case EchoAnthropic:
			errObj := map[string]any{"type": "invalid_request_error", "message": msg}
			if stream {
				writeEchoEvents(w, "error", map[string]any{"type": "error", "error": errObj})
				return
			}
			writeEchoJSON(w, http.StatusBadRequest, map[string]any{"type": "error", "error": errObj})
		case EchoGemini:
			status := map[string]any{"code": 400, "message": msg, "status": "INVALID_ARGUMENT"}
			if stream {
				writeEchoEvents(w, "", map[string]any{"error": status})
				return
			}
			writeEchoJSON(w, http.StatusBadRequest, map[string]any{"error": status})
		}
	}))
	return srv, rec
}

// EchoOf renders what a request carried: its headers and URL, and each
// query value decoded.
func EchoOf(r *http.Request) string {
	var b strings.Builder
	names := make([]string, 0, len(r.Header))
	for name := range r.Header {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(&b, "%s: %s; ", name, strings.Join(r.Header[name], ", "))
	}
	fmt.Fprintf(&b, "url: %s; ", r.URL.String())
	q, _ := url.ParseQuery(r.URL.RawQuery)
	for k, vs := range q {
		fmt.Fprintf(&b, "%s=%s; ", k, strings.Join(vs, ","))
	}
	return b.String()
}

func writeEchoJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeEchoEvents answers a stream request with one error event.
func writeEchoEvents(w http.ResponseWriter, name string, v any) {
	w.Header().Set("Content-Type", "text/event-stream")
	data, _ := json.Marshal(v)
	if name != "" {
		fmt.Fprintf(w, "event: %s\n", name)
	}
	fmt.Fprintf(w, "data: %s\n\n", data)
}
