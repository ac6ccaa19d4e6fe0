package aibackends

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"

	"github.com/sira-ai/caddy-ai-backends/cache"
	anthropicd "github.com/sira-ai/caddy-ai-backends/dialects/anthropic"
	"github.com/sira-ai/caddy-ai-backends/dialects/responses"
	"github.com/sira-ai/caddy-ai-backends/providers"
	"github.com/sira-ai/caddy-ai-backends/tokens"
)

// tokenCountHeader says how a count was made: "exact" when the serving
// provider's own counting API made it, "estimate" when the gateway counted
// locally (see package tokens).
const tokenCountHeader = "X-AI-Token-Count"

// serveCountTokens handles POST /v1/messages/count_tokens (Anthropic).
func (h *Handler) serveCountTokens(w http.ResponseWriter, r *http.Request, rec *record) {
	body, e := h.readBody(w, r)
	var req *providers.ChatRequest
	if e == nil {
		req, e = anthropicd.DecodeCountTokens(body, r)
	}
	if e != nil {
		h.fail(w, rec, e)
		return
	}
	h.countTokens(w, r, rec, req, nil, func(n int) any {
		return struct {
			InputTokens int `json:"input_tokens"`
		}{n}
	})
}

// serveInputTokens handles POST /v1/responses/input_tokens (OpenAI).
func (h *Handler) serveInputTokens(w http.ResponseWriter, r *http.Request, rec *record) {
	body, e := h.readBody(w, r)
	var rq *responses.Request
	if e == nil {
		rq, e = decodeResponses(body)
	}
	if e != nil {
		h.fail(w, rec, e)
		return
	}
	req := rq.ChatRequest(nil)
	req.Original = providers.Original{Format: providers.FormatOpenAIResponses, Body: body}
	h.countTokens(w, r, rec, req, rq.OpenAIOnly, func(n int) any {
		return struct {
			Object      string `json:"object"`
			InputTokens int    `json:"input_tokens"`
		}{"response.input_tokens", n}
	})
}

// countTokens counts req's input tokens on a deployment of its model and
// answers with answer(n). The admission is a request and nothing more: a
// count reserves no tokens and no money, so it works with an exhausted
// token rate and never moves the budget; the allow-list and the request
// rate still apply. openAIOnly is a feature of the request only an upstream
// with OpenAI's Responses API can count (nil when none).
func (h *Handler) countTokens(w http.ResponseWriter, r *http.Request, rec *record, req *providers.ChatRequest,
	openAIOnly *responses.Feature, answer func(n int) any) {
	key := countKey(req)
	var n int
	var exact bool
	ok := h.runOperation(w, r, rec, operation{model: req.Model, tokens: estimatePromptTokens(req),
		admission: func([]*deployment) admission { return admission{} },
		answered: func() (bool, *providers.Error) {
			// The prompt may go upstream to be counted: the same secret
			// and PII rules as for a completion apply.
			if e := h.filterRequest(rec, req); e != nil {
				return false, e
			}
			var hit bool
			n, exact, hit = h.counts.get(key, h.now())
			if hit {
				rec.cache = "hit"
			}
			return hit, nil
		},
		call: func(a *attempt) error {
			var err error
			n, exact, err = countOn(a, req, openAIOnly)
			return err
		}})
	if !ok {
		return
	}
	if rec.cache != "hit" {
		h.counts.put(key, n, exact, h.now())
	}
	if exact {
		w.Header().Set(tokenCountHeader, "exact")
	} else {
		w.Header().Set(tokenCountHeader, "estimate")
	}
	h.writeJSON(w, rec, nil, answer(n))
}

// countOn counts on one attempt's deployment: with the provider's counting
// API when it has one for this request, else locally.
func countOn(a *attempt, req *providers.ChatRequest, openAIOnly *responses.Feature) (n int, exact bool, err error) {
	p := a.d.up.provider
	if openAIOnly != nil {
		if rp, ok := p.(providers.ResponsesPassthrough); !ok || !rp.ServesResponses() {
			return 0, false, openAIOnly.Error(a.d.up.cfg.Type())
		}
	}
	if tc, ok := p.(providers.TokenCounter); ok {
		n, err = tc.CountTokens(a.ctx, a.target(), req)
		var e *providers.Error
		if err == nil || !errors.As(err, &e) || e.Kind != providers.KindUnsupported {
			return n, err == nil, err
		}
	}
	enc, _ := tokens.ForModel(a.d.upstream)
	n, err = tokens.Chat(enc, req)
	if err != nil {
		return 0, false, &providers.Error{Kind: providers.KindInternal, Message: "counting tokens failed", Err: err}
	}
	return n, false, nil
}

// countKey is the cache key of a count: the canonical chat request (model
// included) and the client's body as sent, so two bodies that translate
// alike but differ where only the upstream reads them (documents, cache
// hints) are counted apart.
func countKey(req *providers.ChatRequest) string {
	s := sha256.New()
	s.Write([]byte(cache.ChatKey(req)))
	s.Write([]byte{0, byte(req.Original.Format)})
	s.Write([]byte(strconv.Itoa(len(req.Original.Body))))
	s.Write(req.Original.Body)
	return hex.EncodeToString(s.Sum(nil))
}
