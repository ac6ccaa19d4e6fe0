package aibackends

import (
	"net/http"
	"strings"

	"go.uber.org/zap"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// droppedFieldsHeader names, on an answer, the request fields the gateway
// dropped because the provider that served it has no equivalent and they
// only tune the answer (Gemini's safetySettings, an embedding's taskType).
// A field that would change the meaning of a request is refused instead.
const droppedFieldsHeader = "X-Ai-Dropped-Fields"

// noteDropped sets droppedFieldsHeader and logs the drop at debug level,
// so an operator can see why a setting had no effect.
func (h *Handler) noteDropped(w http.ResponseWriter, rec *record, fields string) {
	w.Header()[droppedFieldsHeader] = []string{fields}
	if ce := h.logger.Check(zap.DebugLevel, "request fields dropped: the serving provider has no equivalent"); ce != nil {
		provider := ""
		if rec.deployment != nil {
			provider = rec.deployment.up.name
		}
		ce.Write(zap.String("request_id", rec.id), zap.String("endpoint", rec.endpoint),
			zap.String("provider", provider), zap.String("fields", fields))
	}
}

// noteDroppedChat notes the request's Droppable fields when the serving
// deployment translates the request instead of relaying the client's body.
// Call before the answer's headers are written.
func (h *Handler) noteDroppedChat(w http.ResponseWriter, rec *record, req *providers.ChatRequest) {
	if len(req.Droppable) == 0 || rec.deployment == nil ||
		providers.CanRelayOriginal(rec.deployment.up.provider, req) {
		return
	}
	h.noteDropped(w, rec, strings.Join(req.Droppable, ", "))
}

// noteDroppedReplay notes the request's Droppable fields on an answer
// served from the cache: the request is the one the entry was stored for
// (the cache key covers every field), so the provider that answered it
// then dropped the same fields.
func (h *Handler) noteDroppedReplay(w http.ResponseWriter, rec *record, req *providers.ChatRequest, provider string) {
	if len(req.Droppable) == 0 {
		return
	}
	up := h.catalog.byProvider[provider]
	if up == nil || providers.CanRelayOriginal(up.provider, req) {
		return
	}
	h.noteDropped(w, rec, strings.Join(req.Droppable, ", "))
}
