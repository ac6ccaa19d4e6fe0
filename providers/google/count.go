package google

import (
	"context"
	"encoding/json"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// countRequest is the body of :countTokens. generateContentRequest (rather
// than bare contents) makes Gemini count the system instruction and the
// tools too, as generateContent would.
type countRequest struct {
	GenerateContentRequest *countGenerateRequest `json:"generateContentRequest"`
}

type countGenerateRequest struct {
	Model string `json:"model"`
	*generateRequest
}

// CountTokens asks Gemini's models/{model}:countTokens with the request as
// generateContent would send it.
func (p *Provider) CountTokens(ctx context.Context, t providers.Target, req *providers.ChatRequest) (int, error) {
	gen, err := toGemini(req, p.SafetySettings)
	if err != nil {
		return 0, p.withProvider(err)
	}
	gen.GenerationConfig = nil // output settings; countTokens does not need them
	u, err := p.methodURL(t.Model, "countTokens")
	if err != nil {
		return 0, err
	}
	var body any = countRequest{&countGenerateRequest{Model: resourceName(t.Model), generateRequest: gen}}
	if p.vertex {
		body = vertexCount(gen)
	}
	raw, err := p.call(ctx, t, u, body)
	if err != nil {
		return 0, err
	}
	// proto3 JSON leaves out a zero, so a missing totalTokens is 0.
	var out struct {
		TotalTokens int `json:"totalTokens"`
	}
	if err := json.Unmarshal(raw, &out); err != nil || out.TotalTokens < 0 {
		return 0, p.badUpstream(err)
	}
	return out.TotalTokens, nil
}

var _ providers.TokenCounter = (*Provider)(nil)
