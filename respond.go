package aibackends

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// clientFormat is the API dialect the client speaks; errors and responses
// are written in it.
type clientFormat uint8

const (
	formatOpenAI clientFormat = iota
	formatAnthropic
)

// writeError sends e in the client's dialect with its status. It must only
// be called before anything else was written.
func (h *Handler) writeError(w http.ResponseWriter, f clientFormat, e *providers.Error) {
	hdr := w.Header()
	hdr.Set("Content-Type", "application/json")
	if e.RetryAfter > 0 && (e.Kind == providers.KindRateLimited || e.Kind == providers.KindQuota ||
		e.Kind == providers.KindOverloaded || e.Kind == providers.KindUnavailable) {
		secs := int((e.RetryAfter + time.Second - 1) / time.Second)
		hdr.Set("Retry-After", strconv.Itoa(secs))
	}
	body := e.OpenAIBody()
	if f == formatAnthropic {
		body = e.AnthropicBody()
	}
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.HTTPStatus())
	_, _ = w.Write(body)
}

// writeJSON sends a 200 JSON body: raw bytes when the upstream's body can go
// out unchanged, otherwise v encoded.
func writeJSON(w http.ResponseWriter, raw []byte, v any) {
	w.Header().Set("Content-Type", "application/json")
	if raw == nil {
		var err error
		raw, err = json.Marshal(v)
		if err != nil {
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write((&providers.Error{Kind: providers.KindInternal, Message: "could not encode the response"}).OpenAIBody())
			return
		}
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(raw)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(raw)
}

// invalid builds a 400 for a client mistake.
func invalid(param, format string, args ...any) *providers.Error {
	e := providers.Errorf(providers.KindInvalidRequest, format, args...)
	e.Param = param
	e.Code = "invalid_request"
	return e
}
