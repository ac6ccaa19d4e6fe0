package aibackends

import (
	"net/http"
	"strings"

	geminid "github.com/sira-ai/caddy-ai-backends/dialects/gemini"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// The Gemini API's endpoints (models/{model}:generateContent,
// :streamGenerateContent, GET models): a client of Google's SDKs works with
// only its base URL changed. The model is the path parameter (a public
// name, an alias or provider/model, '/' escaped as %2F or not: r.URL.Path
// is already unescaped).

// serveGenerateContent serves POST models/{model}:generateContent.
func (h *Handler) serveGenerateContent(w http.ResponseWriter, r *http.Request, rec *record) {
	chatEndpoint(geminid.Decoder(geminiModel(rec), false, false))(h, w, r, rec)
}

// serveStreamGenerateContent serves POST models/{model}:streamGenerateContent:
// SSE with alt=sse, as the SDKs ask for, else the streamed JSON array.
func (h *Handler) serveStreamGenerateContent(w http.ResponseWriter, r *http.Request, rec *record) {
	sse := r.URL.Query().Get("alt") == "sse"
	chatEndpoint(geminid.Decoder(geminiModel(rec), true, sse))(h, w, r, rec)
}

// geminiModel is the {model} parameter, less a "models/" prefix a client
// may repeat.
func geminiModel(rec *record) string {
	if len(rec.pathParams) == 0 {
		return ""
	}
	return strings.TrimPrefix(rec.pathParams[0], "models/")
}

// geminiModelObject is a Model resource as GET models lists it.
type geminiModelObject struct {
	Name                       string   `json:"name"`
	BaseModelID                string   `json:"baseModelId"`
	Version                    string   `json:"version"`
	DisplayName                string   `json:"displayName"`
	SupportedGenerationMethods []string `json:"supportedGenerationMethods"`
}

var geminiMethods = []string{"generateContent", "streamGenerateContent"}

func geminiModelOf(name string) geminiModelObject {
	return geminiModelObject{Name: "models/" + name, BaseModelID: name, Version: "001", DisplayName: name,
		SupportedGenerationMethods: geminiMethods}
}

// serveGeminiModels serves GET /v1beta/models: the models the caller's key
// may use, in Google's list shape.
func (h *Handler) serveGeminiModels(w http.ResponseWriter, r *http.Request, rec *record) {
	list := struct {
		Models []geminiModelObject `json:"models"`
	}{Models: make([]geminiModelObject, 0, len(h.catalog.publicNames))}
	for _, name := range h.catalog.publicNames {
		if h.callerMayUse(rec, name) {
			list.Models = append(list.Models, geminiModelOf(name))
		}
	}
	h.writeJSON(w, rec, nil, list)
}

// serveGeminiModel serves GET /v1beta/models/{model}; a model the key may
// not use is answered like an unknown one.
func (h *Handler) serveGeminiModel(w http.ResponseWriter, r *http.Request, rec *record) {
	name := geminiModel(rec)
	if !h.modelVisible(rec, name) {
		h.writeError(w, rec.dialect, errNoDeployment(name))
		return
	}
	h.writeJSON(w, rec, nil, geminiModelOf(name))
}

// serveGeminiCountTokens serves POST models/{model}:countTokens with
// Google's answer, {"totalTokens": n}: counted like every dialect's count
// (the provider's counting API, else the local tokenizer; see counting.go).
func (h *Handler) serveGeminiCountTokens(w http.ResponseWriter, r *http.Request, rec *record) {
	body, e := h.readBody(w, r)
	var req *providers.ChatRequest
	if e == nil {
		req, e = geminid.ParseCountTokens(body, geminiModel(rec))
	}
	if e != nil {
		h.fail(w, rec, e)
		return
	}
	h.countTokens(w, r, rec, req, nil, func(n int) any {
		return struct {
			TotalTokens int `json:"totalTokens"`
		}{n}
	})
}
