package providers

import "github.com/sira-ai/caddy-ai-backends/catalog"

// Tokens splits usage into independent counters for pricing: cached and
// cache-write tokens are taken out of the prompt, reasoning out of the
// completion, so that no token is priced twice.
func (u *Usage) Tokens() catalog.Tokens {
	if u == nil {
		return catalog.Tokens{}
	}
	cached, reasoning := u.CachedTokens(), u.ReasoningTokens()
	return catalog.Tokens{
		Input:       max(u.PromptTokens-cached-u.CacheWriteTokens, 0),
		CachedInput: cached,
		CacheWrite:  u.CacheWriteTokens,
		Output:      max(u.CompletionTokens-reasoning, 0),
		Reasoning:   reasoning,
	}
}
