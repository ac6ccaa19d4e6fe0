package catalog

// Anthropic models.
//
// Prices: USD per 1M tokens from https://docs.anthropic.com/en/docs/about-claude/pricing
// (now platform.claude.com/docs/en/about-claude/pricing), checked on
// 2026-11-25. Prompt caching follows Anthropic's fixed multipliers of the
// base input price: a 5-minute cache write costs 1.25× and a cache read
// 0.1×. (1-hour cache writes cost 2×; the table keeps the default 5-minute
// rate.)
//
// Limits from the models overview (docs.anthropic.com/en/docs/about-claude/models):
// every model has a 200K context window (Sonnet 4/4.5 offer 1M in beta,
// which needs a header and costs more, so it is not assumed here).
//
// JSON mode: the Messages API has no response_format switch on these
// models; the gateway serves OpenAI JSON-mode requests on them by
// instructing the model (the Anthropic provider's job). Set
// `model_override <model> { json_mode false }` to keep JSON-mode requests
// off Claude if your setup cannot do that.
var anthropicModels = map[string]Spec{
	// Claude 4.x.
	"claude-opus-4-5":   claudeSpec(64_000, 5.00, 25.00),
	"claude-opus-4-1":   claudeSpec(32_000, 15.00, 75.00),
	"claude-opus-4":     claudeSpec(32_000, 15.00, 75.00),
	"claude-sonnet-4-5": claudeSpec(64_000, 3.00, 15.00),
	"claude-sonnet-4":   claudeSpec(64_000, 3.00, 15.00),
	"claude-haiku-4-5":  claudeSpec(64_000, 1.00, 5.00),

	// Claude 3.x.
	"claude-3-7-sonnet": claudeSpec(64_000, 3.00, 15.00),
	"claude-3-5-haiku":  claudeSpec(8_192, 0.80, 4.00),
	"claude-3-opus":     claudeSpec(4_096, 15.00, 75.00),

	// Haiku 3 is the exception to the multipliers: $0.30 writes, $0.03 reads.
	"claude-3-haiku": withCachePrices(claudeSpec(4_096, 0.25, 1.25), 0.03, 0.30),
}

// claudeSpec builds a Claude spec: 200K window, vision, tools, streaming, and
// cache prices derived from the input price by Anthropic's multipliers.
func claudeSpec(maxOutput int, input, output float64) Spec {
	s := chatSpec(200_000, maxOutput, readsImages, input, roundPrice(input*0.1), output)
	s.Prices.CacheWrite = roundPrice(input * 1.25)
	return s
}

// withCachePrices sets explicitly published cache prices.
func withCachePrices(s Spec, read, write float64) Spec {
	s.Prices.CachedInput, s.Prices.CacheWrite = read, write
	return s
}
