package dialects

import "net/http"

// StartSSE sends the headers of an event stream.
func StartSSE(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	h.Del("Content-Length")
	w.WriteHeader(http.StatusOK)
}

// FlusherOf returns what flushes w. Caddy hands handlers wrapped writers;
// http.ResponseController finds the Flusher through their Unwrap methods,
// where a type assertion on the wrapper would miss it and buffer the stream.
func FlusherOf(w http.ResponseWriter) http.Flusher {
	return controllerFlusher{http.NewResponseController(w)}
}

type controllerFlusher struct{ rc *http.ResponseController }

func (f controllerFlusher) Flush() { _ = f.rc.Flush() }
