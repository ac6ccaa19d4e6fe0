package aibackends

import (
	"github.com/sira-ai/caddy-ai-backends/catalog"
	"github.com/sira-ai/caddy-ai-backends/internal/sat"
	"github.com/sira-ai/caddy-ai-backends/providers"
	"github.com/sira-ai/caddy-ai-backends/routing"
)

// admission is what a request reserves against its client key's limits
// before any upstream call: tokens from tokens_per_minute, USD from the
// budget. Both are settled to the real usage when the request ends.
type admission struct {
	tokens int
	usd    float64
}

// chatAdmission estimates a chat request's tokens and cost for admission:
// the prompt estimate plus the output the request may produce, which is
// max_tokens when set and otherwise the expected output (routing's
// expected_output_tokens, default 256), in either case capped by each
// deployment's output limit and multiplied by n.
//
// The plan is not made yet, so the price is the most expensive among the
// candidate deployments and the configured fallback providers: any of them
// may serve the request, and the reservation must be an upper bound for
// whichever does.
func (h *Handler) chatAdmission(req *providers.ChatRequest, ds []*deployment, prompt int) admission {
	out, set := req.OutputLimit(), true
	if out <= 0 {
		out, set = h.Routing.ExpectedOutputTokens, false
		if out <= 0 {
			out = routing.DefaultExpectedOutputTokens
		}
	}
	choices := 1
	if req.N != nil && *req.N > 1 {
		choices = *req.N
	}
	var a admission
	h.eachCandidate(ds, func(d *deployment) {
		o, spec := out, d.spec()
		if m := spec.MaxOutput; m > 0 && o > m {
			o = m
		}
		o = sat.Mul(o, choices)
		a.tokens = max(a.tokens, sat.Add(prompt, o))
		t := catalog.Tokens{Input: prompt, Output: o}
		if spec.Reasoning && !set {
			// Without max_tokens a reasoning model's hidden tokens come on
			// top of the visible answer (routing assumes as many).
			t.Reasoning = o
		}
		a.usd = max(a.usd, catalog.Cost(t, spec.Prices))
	})
	return a
}

// embeddingAdmission reserves an embeddings request: its input tokens, at
// the most expensive candidate's input price.
func (mr *modelRoutes) embeddingAdmission(ds []*deployment, tokens int) admission {
	return admission{tokens: tokens, usd: mr.maxPrice(ds, catalog.Tokens{Input: tokens})}
}

// imageAdmission reserves an image request: n images (default 1) at the
// most expensive candidate's price.
func (mr *modelRoutes) imageAdmission(ds []*deployment, req *providers.ImageRequest) admission {
	n := 1
	if req.N != nil && *req.N > 1 {
		n = *req.N
	}
	return admission{usd: mr.maxPrice(ds, catalog.Tokens{Images: n})}
}

// maxPrice is the highest price of usage t among the candidates.
func (mr *modelRoutes) maxPrice(ds []*deployment, t catalog.Tokens) float64 {
	usd := 0.0
	mr.eachCandidate(ds, func(d *deployment) { usd = max(usd, catalog.Cost(t, d.spec().Prices)) })
	return usd
}

// eachCandidate calls f for every deployment that may serve a request for
// ds's model: ds itself and the configured fallback providers'.
func (mr *modelRoutes) eachCandidate(ds []*deployment, f func(*deployment)) {
	for _, d := range ds {
		f(d)
	}
	if len(mr.fallback) == 0 || len(ds) == 0 {
		return
	}
	for _, up := range mr.fallback {
		if containsProvider(ds, up) {
			continue
		}
		if fd := mr.catalog.resolve(up.name + "/" + ds[0].public); len(fd) > 0 {
			f(fd[0])
		}
	}
}

// checkOutputLimit rejects a max_tokens that no candidate deployment can
// produce: above every candidate's known output limit. (A candidate with an
// unknown limit accepts anything; its upstream decides.) Without it an
// absurd max_tokens would only be caught, if at all, by the upstream after
// the gateway had admitted and reserved it.
func checkOutputLimit(req *providers.ChatRequest, ds []*deployment) *providers.Error {
	n := req.OutputLimit()
	if n <= 0 {
		return nil
	}
	limit := 0
	for _, d := range ds {
		m := d.spec().MaxOutput
		if m <= 0 {
			return nil
		}
		limit = max(limit, m)
	}
	if n <= limit {
		return nil
	}
	field := "max_tokens"
	if req.MaxCompletionTokens != nil {
		field = "max_completion_tokens"
	}
	return invalid(field, "%s is too large: %d. This model supports at most %d completion tokens", field, n, limit)
}
