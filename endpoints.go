package aibackends

import (
	"context"
	"net/http"
	"strings"

	"github.com/sira-ai/caddy-ai-backends/providers"
	"github.com/sira-ai/caddy-ai-backends/routing"
)

// serveEmbeddings handles POST /v1/embeddings.
func (h *Handler) serveEmbeddings(w http.ResponseWriter, r *http.Request, rec *record) {
	body, e := h.readBody(w, r)
	var req providers.EmbeddingRequest
	if e == nil {
		e = h.decodeChecked(body, &req)
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
	rec.model = req.Model
	resp, e := h.upstreamEmbeddings(w, r, rec, req)
	if e != nil {
		h.fail(w, rec, e)
		return
	}
	if resp == nil {
		return // admission already answered
	}
	h.costHeader(w, rec)
	h.writeJSON(w, rec, resp.Raw, resp)
}

// upstreamEmbeddings routes an embeddings request and returns the result.
func (h *Handler) upstreamEmbeddings(w http.ResponseWriter, r *http.Request, rec *record, req *providers.EmbeddingRequest) (*providers.EmbeddingResponse, *providers.Error) {
	ds := h.catalog.resolve(req.Model)
	if len(ds) == 0 {
		return nil, errNoDeployment(req.Model)
	}
	tokens := 0
	for _, t := range req.Input.Texts {
		tokens += 1 + len(t)/4
	}
	if !h.admit(w, r, rec, req.Model, tokens) {
		return nil, nil
	}
	p := h.makePlan(r, ds, routing.Request{Model: req.Model, PromptTokens: tokens})
	rec.plan(p)
	ctx, cancel := context.WithTimeout(r.Context(), timeDuration(h.Retry.Deadline))
	defer cancel()
	var resp *providers.EmbeddingResponse
	err := h.run(ctx, rec, p, func(a *attempt) (bool, error) {
		var err error
		resp, err = a.d.up.provider.Embeddings(a.ctx, a.target(), req)
		return false, err
	})
	if err != nil {
		return nil, err
	}
	rec.usage = &providers.Usage{PromptTokens: resp.Usage.PromptTokens, TotalTokens: resp.Usage.TotalTokens}
	h.decisionHeaders(w, r, rec, p)
	return resp, nil
}

// serveImages handles POST /v1/images/generations.
func (h *Handler) serveImages(w http.ResponseWriter, r *http.Request, rec *record) {
	body, e := h.readBody(w, r)
	var req providers.ImageRequest
	if e == nil {
		e = h.decodeChecked(body, &req)
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
	rec.model = req.Model
	ds := h.catalog.resolve(req.Model)
	if len(ds) == 0 {
		h.fail(w, rec, errNoDeployment(req.Model))
		return
	}
	if !h.admit(w, r, rec, req.Model, 0) {
		return
	}
	p := h.makePlan(r, ds, routing.Request{Model: req.Model})
	rec.plan(p)
	ctx, cancel := context.WithTimeout(r.Context(), timeDuration(h.Retry.Deadline))
	defer cancel()
	var resp *providers.ImageResponse
	err := h.run(ctx, rec, p, func(a *attempt) (bool, error) {
		var err error
		resp, err = a.d.up.provider.Images(a.ctx, a.target(), &req)
		return false, err
	})
	if err != nil {
		h.fail(w, rec, err)
		return
	}
	rec.images = len(resp.Data)
	rec.usage = resp.Usage
	h.decisionHeaders(w, r, rec, p)
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

// serveModels handles GET /v1/models from the configuration alone.
func (h *Handler) serveModels(w http.ResponseWriter, r *http.Request, rec *record) {
	list := struct {
		Object string        `json:"object"`
		Data   []modelObject `json:"data"`
	}{Object: "list", Data: make([]modelObject, 0, len(h.catalog.publicNames))}
	for _, name := range h.catalog.publicNames {
		list.Data = append(list.Data, h.modelObject(name))
	}
	h.writeJSON(w, rec, nil, list)
}

// serveModel handles GET /v1/models/{id}; ids may contain '/'.
func (h *Handler) serveModel(w http.ResponseWriter, r *http.Request, rec *record) {
	id := rec.pathParams[0]
	if len(h.catalog.resolve(id)) == 0 {
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
