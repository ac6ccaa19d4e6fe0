package aibackends

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/caddyserver/caddy/v2"
	"go.uber.org/zap"

	"github.com/sira-ai/caddy-ai-backends/dialects/responses"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// ResponsesConfig bounds the responses the gateway stores for
// previous_response_id and GET /v1/responses/{id}.
type ResponsesConfig struct {
	// TTL of a stored response. Default: 30 days.
	TTL caddy.Duration `json:"ttl,omitempty"`
	// MaxEntries and MaxBytes bound the in-process store (oldest evicted
	// first). Defaults: 10,000 entries, 256 MiB. With storage redis the
	// responses live in Redis and expire by TTL alone.
	MaxEntries int `json:"max_entries,omitempty"`
	MaxBytes   int `json:"max_bytes,omitempty"`
}

// responseStoreState pools the in-process store across reloads with the
// same bounds, so a reload does not forget conversations.
type responseStoreState struct{ s *responses.MemoryStore }

func (*responseStoreState) Destruct() error { return nil }

// provisionResponses picks the response store: Redis when storage redis is
// configured, the pooled in-process store otherwise.
func (h *Handler) provisionResponses() error {
	rc := h.Responses
	if rc == nil {
		rc = &ResponsesConfig{}
	}
	if rc.TTL < 0 || rc.MaxEntries < 0 || rc.MaxBytes < 0 {
		return fmt.Errorf("responses: ttl, max_entries and max_bytes must not be negative")
	}
	if h.shared != nil {
		h.responseStore = h.shared.store.Responses(time.Duration(rc.TTL))
		return nil
	}
	key := fmt.Sprintf("responses:%d:%d:%d", rc.TTL, rc.MaxEntries, rc.MaxBytes)
	v, err := h.pool.load(key, func() (caddy.Destructor, error) {
		return &responseStoreState{s: responses.NewMemoryStore(responses.MemoryConfig{
			MaxEntries: rc.MaxEntries, MaxBytes: rc.MaxBytes, TTL: time.Duration(rc.TTL)})}, nil
	})
	if err != nil {
		return err
	}
	h.responseStore = v.(*responseStoreState).s
	return nil
}

// decodeResponses decodes a Responses API request body, its failure
// classified for the client.
func decodeResponses(body []byte) (*responses.Request, *providers.Error) {
	rq, err := responses.Decode(body)
	if err != nil {
		return nil, providers.Classify(err)
	}
	return rq, nil
}

// serveResponses handles POST /v1/responses: the request is translated to
// the unified chat request (with the conversation stored for
// previous_response_id in front), served by the chat pipeline, and the
// answer written as a Response object or event stream, then stored.
func (h *Handler) serveResponses(w http.ResponseWriter, r *http.Request, rec *record) {
	body, e := h.readBody(w, r)
	var rq *responses.Request
	if e == nil {
		rq, e = decodeResponses(body)
	}
	var prior []providers.Message
	var priorItems []json.RawMessage
	if e == nil && rq.PreviousResponseID != "" {
		prior, priorItems, e = h.priorConversation(r.Context(), rec, rq.PreviousResponseID)
	}
	var req *providers.ChatRequest
	if e == nil {
		req = rq.ChatRequest(prior)
		// An upstream with the Responses API gets the client's body, the
		// stored conversation inlined in place of previous_response_id
		// (that upstream may never have seen it).
		if prior != nil {
			if body, err := rq.WithHistory(body, prior); err == nil {
				req.Original = providers.Original{Format: providers.FormatOpenAIResponses, Body: body}
			}
		} else {
			req.Original = providers.Original{Format: providers.FormatOpenAIResponses, Body: body}
		}
		// OpenAI-only features (hosted tools, background) narrow the plan
		// to such upstreams, or are refused naming the feature.
		if f := rq.OpenAIOnly; f != nil {
			req.Untranslatable = []string{f.Param + " (" + f.Name + ")"}
		}
		if e = h.validateChat(req); e == nil {
			e = capMaxTokens(rec, req)
		}
	}
	if e != nil {
		h.fail(w, rec, e)
		return
	}
	cw := &responses.ChatWriter{Req: rq, Prior: prior, PriorItems: priorItems, Now: h.now,
		Meta: responses.Meta{CreatedAt: rec.start, Model: rq.Model}}
	if rq.Store {
		owner := rec.client
		cw.Keep = func(id string, stored *responses.Stored) {
			if err := h.responseStore.Put(r.Context(), owner, id, stored); err != nil {
				h.logger.Warn("could not store a response", zap.String("request_id", rec.id), zap.Error(err))
			}
		}
	}
	h.chat(w, r, rec, req, cw)
}

// priorConversation is the stored conversation of previous id, for the
// caller's key only: as messages for the next request, and as the items
// input_items lists.
func (sto *stores) priorConversation(ctx context.Context, rec *record, id string) ([]providers.Message, []json.RawMessage, *providers.Error) {
	st, e := sto.storedResponse(ctx, rec, id)
	if e != nil {
		if e.Kind == providers.KindNotFound {
			return nil, nil, responses.PreviousNotFound(id)
		}
		return nil, nil, e
	}
	return st.Messages, responses.ConversationItems(st), nil
}

// storedResponse reads a stored response of the caller's key: another key's
// response is not found, as an unknown one.
func (sto *stores) storedResponse(ctx context.Context, rec *record, id string) (*responses.Stored, *providers.Error) {
	st, err := sto.responseStore.Get(ctx, rec.client, id)
	switch {
	case errors.Is(err, responses.ErrNotFound):
		return nil, responses.NotFound(id)
	case err != nil:
		return nil, &providers.Error{Kind: providers.KindUnavailable, Code: "response_store_unavailable",
			Message: "the stored responses are unavailable; try again", Err: err}
	}
	return st, nil
}

// serveResponseGet handles GET /v1/responses/{id}.
func (h *Handler) serveResponseGet(w http.ResponseWriter, r *http.Request, rec *record) {
	st, e := h.storedResponse(r.Context(), rec, rec.pathParams[0])
	if e != nil {
		h.fail(w, rec, e)
		return
	}
	h.writeJSON(w, rec, responses.RetrieveBody(st), nil)
}

// serveResponseDelete handles DELETE /v1/responses/{id}.
func (h *Handler) serveResponseDelete(w http.ResponseWriter, r *http.Request, rec *record) {
	id := rec.pathParams[0]
	err := h.responseStore.Delete(r.Context(), rec.client, id)
	switch {
	case errors.Is(err, responses.ErrNotFound):
		h.fail(w, rec, responses.NotFound(id))
	case err != nil:
		h.fail(w, rec, &providers.Error{Kind: providers.KindUnavailable, Code: "response_store_unavailable",
			Message: "the stored responses are unavailable; try again", Err: err})
	default:
		h.writeJSON(w, rec, responses.DeletedBody(id), nil)
	}
}

// serveResponseInputItems handles GET /v1/responses/{id}/input_items.
func (h *Handler) serveResponseInputItems(w http.ResponseWriter, r *http.Request, rec *record) {
	st, e := h.storedResponse(r.Context(), rec, rec.pathParams[0])
	if e != nil {
		h.fail(w, rec, e)
		return
	}
	body, err := responses.InputItemsBody(st, r.URL.Query())
	if err != nil {
		h.fail(w, rec, providers.Classify(err))
		return
	}
	h.writeJSON(w, rec, body, nil)
}
