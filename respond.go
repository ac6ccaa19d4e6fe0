package aibackends

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/sira-ai/caddy-ai-backends/dialects"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// writeError sends e in the client's dialect with its status. It must only
// be called before anything else was written.
func (h *Handler) writeError(w http.ResponseWriter, d dialects.Dialect, e *providers.Error) {
	hdr := w.Header()
	hdr.Set("Content-Type", "application/json")
	if e.RetryAfter > 0 && (e.Kind == providers.KindRateLimited || e.Kind == providers.KindQuota ||
		e.Kind == providers.KindOverloaded || e.Kind == providers.KindUnavailable) {
		secs := int((e.RetryAfter + time.Second - 1) / time.Second)
		hdr.Set("Retry-After", strconv.Itoa(secs))
	}
	body := d.ErrorBody(e)
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.HTTPStatus())
	_, _ = w.Write(body)
}

// writeJSON sends a 200 JSON body: raw bytes when the upstream's body can go
// out unchanged, otherwise v encoded.
func (h *Handler) writeJSON(w http.ResponseWriter, rec *record, raw []byte, v any) {
	if raw == nil {
		var err error
		if raw, err = json.Marshal(v); err != nil {
			h.fail(w, rec, &providers.Error{Kind: providers.KindInternal, Message: "could not encode the response", Err: err})
			return
		}
	}
	dialects.WriteJSON(w, raw)
}

// invalid builds a 400 for a client mistake.
func invalid(param, format string, args ...any) *providers.Error {
	return dialects.Invalid(param, format, args...)
}
