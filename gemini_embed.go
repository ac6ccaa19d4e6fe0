package aibackends

import (
	"net/http"
	"strconv"

	geminid "github.com/sira-ai/caddy-ai-backends/dialects/gemini"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// serveEmbedContent serves POST models/{model}:embedContent.
func (h *Handler) serveEmbedContent(w http.ResponseWriter, r *http.Request, rec *record) {
	h.geminiEmbed(w, r, rec, false)
}

// serveBatchEmbedContents serves POST models/{model}:batchEmbedContents.
func (h *Handler) serveBatchEmbedContents(w http.ResponseWriter, r *http.Request, rec *record) {
	h.geminiEmbed(w, r, rec, true)
}

// geminiEmbed answers a Gemini embedding request from any provider that
// makes embeddings, through the same pipeline as /v1/embeddings (limits,
// budget, cost, metrics). A Gemini upstream gets the taskType and title;
// another provider cannot take a title (part of what a document's vector
// encodes), so a request with one is served only by a Gemini deployment or
// refused, while a taskType is dropped there with X-AI-Dropped-Fields. So
// is a request with media parts (a multimodal model's images, audio, video,
// documents): the Gemini upstream is sent the client's own body.
func (h *Handler) geminiEmbed(w http.ResponseWriter, r *http.Request, rec *record, batch bool) {
	body, e := h.readBody(w, r)
	var req *providers.EmbeddingRequest
	if e == nil {
		req, e = geminid.ParseEmbed(body, geminiModel(rec), batch)
	}
	if e != nil {
		h.fail(w, rec, e)
		return
	}
	title, taskType := geminid.Hinted(req)
	var narrow func(p *plan) *providers.Error
	switch {
	case len(req.Media) > 0:
		narrow = func(p *plan) *providers.Error { return keepGeminiEmbedders(p, req.Model, req.Media[0], mediaWhy) }
	case title:
		narrow = func(p *plan) *providers.Error { return keepGeminiEmbedders(p, req.Model, "title", titleWhy) }
	}
	resp, ok := h.runEmbeddings(w, r, rec, req, narrow)
	if !ok {
		return
	}
	if len(resp.Data) != len(req.Input.Texts) {
		h.fail(w, rec, &providers.Error{Kind: providers.KindUpstream, Code: "bad_upstream_response",
			Message: "the upstream returned " + strconv.Itoa(len(resp.Data)) + " embeddings for " +
				strconv.Itoa(len(req.Input.Texts)) + " inputs"})
		return
	}
	if taskType && !speaksGemini(rec.deployment) {
		h.noteDropped(w, rec, "taskType")
	}
	h.costHeader(w, rec)
	h.writeJSON(w, rec, geminid.EncodeEmbed(resp, batch), nil)
}

// speaksGemini reports whether d's provider takes Gemini's own request
// fields (the google provider type).
func speaksGemini(d *deployment) bool {
	if d == nil {
		return false
	}
	rel, ok := d.up.provider.(providers.OriginalRelayer)
	return ok && rel.RelaysOriginal(providers.FormatGemini)
}

// Why a field keeps an embedding request on Gemini deployments, for the 400
// when there are none.
const (
	titleWhy = "the title is part of what a document's vector encodes and no other provider takes one; " +
		"remove it, or put it in the text, to use this model"
	mediaWhy = "only a Gemini multimodal embedding model embeds images, audio, video or documents; " +
		"the other providers' embeddings take text alone"
)

// keepGeminiEmbedders narrows the plan of an embedding request that only
// Gemini can serve (a title, a media part) to the Gemini deployments, or
// refuses it with a 400 naming field.
func keepGeminiEmbedders(p *plan, model, field, why string) *providers.Error {
	kept := p.order[:0:0]
	for _, d := range p.order {
		if speaksGemini(d) {
			kept = append(kept, d)
		}
	}
	if len(kept) == 0 {
		return &providers.Error{Kind: providers.KindInvalidRequest, Param: field, Code: "untranslatable_field",
			Message: field + ": not supported when " + model + " is served by a provider other than Gemini (" + why + ")"}
	}
	p.order = kept
	return nil
}
