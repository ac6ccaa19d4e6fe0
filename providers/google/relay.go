package google

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// RelaysOriginal is true for Gemini bodies (a client of the gateway's
// models/{model}:generateContent): requestBody sends them on with only the
// limits patched, so Google-hosted tools, cachedContent, fileData, thought
// signatures and fields the gateway does not know reach Gemini untouched.
// The model goes in the URL, never in the body.
func (p *Provider) RelaysOriginal(f providers.Format) bool { return f == providers.FormatGemini }

// relaying reports whether the request goes upstream as the client's own
// Gemini body, so the answer can go back to that client as is.
func relaying(req *providers.ChatRequest) bool { return req.Original.Is(providers.FormatGemini) }

// requestBody is the translated request, or the client's own body with
// generationConfig.maxOutputTokens lowered when the handler lowered it (a
// key's cap), and the provider's safety_settings when the client sent
// none.
func (p *Provider) requestBody(req *providers.ChatRequest, model string) (any, error) {
	if !relaying(req) {
		return p.translate(req, model)
	}
	body := req.Original.Body
	var err error
	if req.MaxTokens != nil {
		if body, err = setMaxOutputTokens(body, *req.MaxTokens); err != nil {
			return nil, err
		}
	}
	if len(p.SafetySettings) > 0 && providers.GetTopLevel(body, "safetySettings") == nil {
		safety, _ := json.Marshal(p.SafetySettings)
		if body, err = providers.SetTopLevel(body, "safetySettings", safety); err != nil {
			return nil, invalid("the request body must be a JSON object")
		}
	}
	return json.RawMessage(body), nil
}

// setMaxOutputTokens sets generationConfig.maxOutputTokens to limit unless
// it already is.
func setMaxOutputTokens(body []byte, limit int) ([]byte, error) {
	want := []byte(strconv.Itoa(limit))
	gc := providers.GetTopLevel(body, "generationConfig")
	if gc == nil || bytes.Equal(bytes.TrimSpace(gc), []byte("null")) {
		gc = []byte("{}")
	}
	if bytes.Equal(providers.GetTopLevel(gc, "maxOutputTokens"), want) {
		return body, nil
	}
	gc, err := providers.SetTopLevel(gc, "maxOutputTokens", want)
	if err == nil {
		body, err = providers.SetTopLevel(body, "generationConfig", gc)
	}
	if err != nil {
		return nil, invalid("generationConfig must be a JSON object")
	}
	return body, nil
}
