package aibackends

import "github.com/sira-ai/caddy-ai-backends/providers"

// noteReasoningSource records on req the family of the deployment whose
// answer is about to be written (providers.ChatRequest.ReasoningSource), so
// the client's dialect can mark the reasoning it returns with where it came
// from. A cached answer (no deployment) has no source.
func noteReasoningSource(rec *record, req *providers.ChatRequest) {
	req.ReasoningSource = providers.ReasoningFromOther
	if rec.deployment == nil {
		return
	}
	r, ok := rec.deployment.up.provider.(providers.OriginalRelayer)
	switch {
	case !ok:
	case r.RelaysOriginal(providers.FormatOpenAIChat):
		req.ReasoningSource = providers.ReasoningFromOpenAI
	case r.RelaysOriginal(providers.FormatGemini):
		req.ReasoningSource = providers.ReasoningFromGoogle
	}
}
