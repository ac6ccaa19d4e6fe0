package providers

import (
	"github.com/sira-ai/caddy-ai-backends/catalog"
	"github.com/sira-ai/caddy-ai-backends/internal/sat"
)

// Tokens splits usage into independent counters for pricing: cached and
// cache-write tokens are taken out of the prompt, reasoning out of the
// completion, so that no token is priced twice. The counts come from the
// upstream: the subtractions saturate, so absurd ones cannot wrap around.
func (u *Usage) Tokens() catalog.Tokens {
	if u == nil {
		return catalog.Tokens{}
	}
	cached, reasoning := u.CachedTokens(), u.ReasoningTokens()
	return catalog.Tokens{
		Input:       sat.Count(sat.Sub(sat.Sub(u.PromptTokens, cached), u.CacheWriteTokens)),
		CachedInput: cached,
		CacheWrite:  u.CacheWriteTokens,
		Output:      sat.Count(sat.Sub(u.CompletionTokens, reasoning)),
		Reasoning:   reasoning,
	}
}
