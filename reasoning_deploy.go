package aibackends

import "github.com/sira-ai/caddy-ai-backends/providers"

// reasoningFor is the request as one deployment gets it: reasoning_effort
// is dropped for an OpenAI-format deployment whose model the catalog knows
// and does not mark as a reasoning model, since OpenAI refuses the field
// there. The effort then came from another dialect's setting (Anthropic's
// thinking): a client of the OpenAI API itself gets its body relayed as it
// sent it, whatever this copy says. Anthropic, Gemini and Bedrock
// deployments map the effort themselves (Bedrock: Claude's thinking, and
// the level checked for other models). The common request (no effort) is not copied.
func reasoningFor(req *providers.ChatRequest, d *deployment) *providers.ChatRequest {
	if req.ReasoningEffort == "" {
		return req
	}
	switch d.up.cfg.Type() {
	case "anthropic", "google", "bedrock", "sim":
		return req
	}
	if s, known := d.entry.Get(); !known || s.Reasoning {
		return req
	}
	c := *req
	c.ReasoningEffort = ""
	return &c
}
