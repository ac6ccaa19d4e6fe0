package catalog

// Models of the OpenAI-compatible vendors that have a provider preset
// (providers/openai/presets.go), keyed by the LiteLLM provider name. Model
// IDs are the vendors' own, after the last '/' (Lookup ignores a path
// prefix: Together's "meta-llama/Llama-3.3-70B-Instruct-Turbo" is
// "llama-3.3-70b-instruct-turbo").
//
// Prices: USD per 1M tokens from the vendors' pricing pages as of
// 2026-11 (standard, on-demand tier). Where a vendor publishes no separate
// output limit, MaxOutput is the context window. Perplexity also bills a
// per-request search fee that the token prices here do not include.
//
// OpenRouter needs no entries of its own: its IDs are "<vendor>/<model>"
// ("openai/gpt-4o", "anthropic/claude-sonnet-4") and it bills the
// vendors' list prices, so the entries above and in the other tables apply.
// Local servers (ollama, vllm, lmstudio) cost nothing; their models are
// unknown to the catalog (capable, cost 0) unless model_overrides says more.
var vendorModels = map[string]map[string]Spec{
	// Mistral La Plateforme. IDs such as mistral-large-2411 and
	// mistral-small-latest resolve to these families.
	"mistral": {
		"mistral-large":  chatSpec(131_072, 131_072, textOnly, 2.00, 0, 6.00),
		"mistral-medium": chatSpec(131_072, 131_072, readsImages, 0.40, 0, 2.00),
		"mistral-small":  chatSpec(131_072, 131_072, readsImages, 0.10, 0, 0.30),
		"codestral":      chatSpec(262_144, 262_144, textOnly, 0.30, 0, 0.90),
	},
	// Groq. No prompt caching discount on these models.
	"groq": {
		"llama-3.3-70b-versatile": chatSpec(131_072, 32_768, textOnly, 0.59, 0, 0.79),
		"llama-3.1-8b-instant":    chatSpec(131_072, 131_072, textOnly, 0.05, 0, 0.08),
		"gpt-oss-120b":            chatSpec(131_072, 65_536, textOnly, 0.15, 0, 0.75),
		"qwen3-32b":               chatSpec(131_072, 40_960, textOnly, 0.29, 0, 0.59),
	},
	// DeepSeek (V3.2 prices; cached input is the cache-hit rate). The
	// reasoner's reasoning_content is passed through, not priced apart:
	// DeepSeek bills it as output.
	"deepseek": {
		"deepseek-chat":     chatSpec(131_072, 8_192, textOnly, 0.28, 0.028, 0.42),
		"deepseek-reasoner": chatSpec(131_072, 65_536, textOnly, 0.28, 0.028, 0.42),
	},
	// xAI. grok-4-0709 resolves to grok-4.
	"xai": {
		"grok-4":      chatSpec(256_000, 256_000, readsImages, 3.00, 0.75, 15.00),
		"grok-3":      chatSpec(131_072, 131_072, textOnly, 3.00, 0.75, 15.00),
		"grok-3-mini": chatSpec(131_072, 131_072, textOnly, 0.30, 0.075, 0.50),
	},
	// Together AI serverless models.
	"together_ai": {
		"llama-3.3-70b-instruct-turbo":     chatSpec(131_072, 131_072, textOnly, 0.88, 0, 0.88),
		"meta-llama-3.1-8b-instruct-turbo": chatSpec(131_072, 131_072, textOnly, 0.18, 0, 0.18),
		"deepseek-v3":                      chatSpec(131_072, 131_072, textOnly, 1.25, 0, 1.25),
	},
	// Fireworks AI serverless ("accounts/fireworks/models/<id>").
	"fireworks_ai": {
		"llama-v3p3-70b-instruct":  chatSpec(131_072, 131_072, textOnly, 0.90, 0, 0.90),
		"llama-v3p1-8b-instruct":   chatSpec(131_072, 131_072, textOnly, 0.20, 0, 0.20),
		"llama-v3p1-405b-instruct": chatSpec(131_072, 131_072, textOnly, 3.00, 0, 3.00),
	},
	// Cerebras (pay-as-you-go context limits).
	"cerebras": {
		"llama3.1-8b":   chatSpec(32_768, 8_192, textOnly, 0.10, 0, 0.10),
		"llama-3.3-70b": chatSpec(65_536, 8_192, textOnly, 0.85, 0, 1.20),
		"qwen-3-32b":    chatSpec(65_536, 8_192, textOnly, 0.40, 0, 0.80),
	},
	// Perplexity Sonar: no function calling.
	"perplexity": {
		"sonar":           noTools(chatSpec(128_000, 128_000, textOnly, 1.00, 0, 1.00)),
		"sonar-pro":       noTools(chatSpec(200_000, 8_000, textOnly, 3.00, 0, 15.00)),
		"sonar-reasoning": noTools(chatSpec(128_000, 128_000, textOnly, 1.00, 0, 5.00)),
	},
}

// noTools marks a chat model that cannot call functions.
func noTools(s Spec) Spec {
	s.Tools = false
	return s
}

// vendorOf names the LiteLLM provider of a vendor family, or "".
func vendorOf(name string) string {
	for vendor, models := range vendorModels {
		if hasKey(models, name) {
			return vendor
		}
	}
	return ""
}
