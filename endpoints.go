package aibackends

import (
	"net/http"
	"strings"

	"github.com/sira-ai/caddy-ai-backends/dialects"
	"github.com/sira-ai/caddy-ai-backends/internal/sat"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// serveEmbeddings handles POST /v1/embeddings.
func (h *Handler) serveEmbeddings(w http.ResponseWriter, r *http.Request, rec *record) {
	body, e := h.readBody(w, r)
	var req providers.EmbeddingRequest
	if e == nil {
		e = dialects.DecodeJSON(body, &req)
	}
	if e == nil {
		e = validateEmbeddings(&req)
	}
	if e != nil {
		h.fail(w, rec, e)
		return
	}
	req.Raw = body
	h.embeddings(w, r, rec, &req)
}

func validateEmbeddings(req *providers.EmbeddingRequest) *providers.Error {
	if req.Model == "" {
		return invalid("model", "you must provide a model parameter")
	}
	if req.Input.Len() == 0 {
		return invalid("input", "'input' is a required property and must not be empty")
	}
	if req.EncodingFormat != "" && req.EncodingFormat != "float" && req.EncodingFormat != "base64" {
		return invalid("encoding_format", "encoding_format must be 'float' or 'base64'")
	}
	if req.Dimensions != nil && *req.Dimensions < 1 {
		return invalid("dimensions", "dimensions must be at least 1")
	}
	return nil
}

// embeddings answers an embeddings request from the upstream.
func (h *Handler) embeddings(w http.ResponseWriter, r *http.Request, rec *record, req *providers.EmbeddingRequest) {
	resp, ok := h.runEmbeddings(w, r, rec, req, nil)
	if !ok {
		return
	}
	h.costHeader(w, rec)
	h.writeJSON(w, rec, resp.Raw, resp)
}

// runEmbeddings runs an embeddings request of any dialect through the
// operation pipeline (admission, limits, plan, attempts) and records its
// usage; narrow, when set, filters the plan (see operation.narrow). It
// reports false after it answered the client with a failure.
func (h *Handler) runEmbeddings(w http.ResponseWriter, r *http.Request, rec *record, req *providers.EmbeddingRequest,
	narrow func(p *plan) *providers.Error) (*providers.EmbeddingResponse, bool) {
	tokens := 0
	for _, t := range req.Input.Texts {
		tokens = sat.Add(tokens, 1+len(t)/4)
	}
	var resp *providers.EmbeddingResponse
	ok := h.runOperation(w, r, rec, operation{model: req.Model, tokens: tokens, narrow: narrow,
		admission: func(ds []*deployment) admission { return h.embeddingAdmission(ds, tokens) },
		call: func(a *attempt) error {
			e, ok := a.d.up.provider.(providers.Embedder)
			if !ok {
				return unsupported(a, "embeddings")
			}
			var err error
			resp, err = e.Embeddings(a.ctx, a.target(), req)
			return err
		}})
	if !ok {
		return nil, false
	}
	rec.usage = &providers.Usage{PromptTokens: resp.Usage.PromptTokens, TotalTokens: resp.Usage.TotalTokens}
	return resp, true
}

// serveImages handles POST /v1/images/generations.
func (h *Handler) serveImages(w http.ResponseWriter, r *http.Request, rec *record) {
	body, e := h.readBody(w, r)
	var req providers.ImageRequest
	if e == nil {
		e = dialects.DecodeJSON(body, &req)
	}
	if e == nil && strings.TrimSpace(req.Prompt) == "" {
		e = invalid("prompt", "'prompt' is a required property and must not be empty")
	}
	if e == nil && req.Model == "" {
		e = invalid("model", "you must provide a model parameter")
	}
	if e == nil && req.N != nil && (*req.N < 1 || *req.N > 10) {
		e = invalid("n", "n must be between 1 and 10")
	}
	if e != nil {
		h.fail(w, rec, e)
		return
	}
	req.Raw = body
	var resp *providers.ImageResponse
	ok := h.runOperation(w, r, rec, operation{model: req.Model,
		admission: func(ds []*deployment) admission { return h.imageAdmission(ds, &req) },
		call: func(a *attempt) error {
			g, ok := a.d.up.provider.(providers.ImageGenerator)
			if !ok {
				return unsupported(a, "image generation")
			}
			var err error
			resp, err = g.Images(a.ctx, a.target(), &req)
			return err
		}})
	if !ok {
		return
	}
	rec.images = len(resp.Data)
	rec.usage = resp.Usage
	h.costHeader(w, rec)
	h.writeJSON(w, rec, resp.Raw, resp)
}

// modelObject is one entry of OpenAI's model list.
type modelObject struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Created int64  `json:"created"`
	OwnedBy string `json:"owned_by"`
}

// serveModels handles GET /v1/models from the configuration alone: the
// public names and aliases the caller's key may use.
func (h *Handler) serveModels(w http.ResponseWriter, r *http.Request, rec *record) {
	list := struct {
		Object string        `json:"object"`
		Data   []modelObject `json:"data"`
	}{Object: "list", Data: make([]modelObject, 0, len(h.catalog.publicNames))}
	for _, name := range h.catalog.publicNames {
		if h.callerMayUse(rec, name) {
			list.Data = append(list.Data, h.modelObject(name))
		}
	}
	h.writeJSON(w, rec, nil, list)
}

// serveModel handles GET /v1/models/{id}; ids may contain '/'. A model the
// caller's key may not use is answered like an unknown one (404), so the
// answer does not tell which models or providers exist.
func (h *Handler) serveModel(w http.ResponseWriter, r *http.Request, rec *record) {
	id := rec.pathParams[0]
	if !h.modelVisible(rec, id) {
		h.writeError(w, rec.dialect, errNoDeployment(id))
		return
	}
	h.writeJSON(w, rec, nil, h.modelObject(id))
}

func (h *Handler) modelObject(name string) modelObject {
	owner := h.catalog.owners[name]
	if owner == "" {
		owner, _, _ = strings.Cut(name, "/")
	}
	return modelObject{ID: name, Object: "model", Created: h.started.Unix(), OwnedBy: owner}
}
