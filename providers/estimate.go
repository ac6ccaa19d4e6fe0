package providers

import "github.com/sira-ai/caddy-ai-backends/internal/sat"

// EstimatePromptTokens is a cheap estimate (about four characters a token)
// of a request's prompt size, for routing, limits and cost estimates before
// the provider counts, and for the input count a stream announces before
// the upstream's usage arrives. It walks the request once and allocates
// nothing.
func EstimatePromptTokens(req *ChatRequest) int {
	if req == nil {
		return 0
	}
	n := 0
	for _, m := range req.Messages {
		n = sat.Add(n, 4+len(m.Content.Text)/4)
		for _, p := range m.Content.Parts {
			n = sat.Add(n, len(p.Text)/4)
			if p.ImageURL != nil {
				n = sat.Add(n, 765) // a high-detail image tile set, OpenAI's rule of thumb
			}
		}
		for _, tc := range m.ToolCalls {
			n = sat.Add(n, len(tc.Function.Arguments)/4)
		}
	}
	for _, t := range req.Tools {
		n = sat.Add(n, (len(t.Function.Name)+len(t.Function.Description)+len(t.Function.Parameters))/4)
	}
	return n
}
