package catalog

// Amazon Bedrock models, keyed by Bedrock's own model ids (lower case, as
// Lookup normalizes them), for the bedrock provider.
//
// Prices: USD per 1M tokens, on-demand, from aws.amazon.com/bedrock/pricing
// as of 2026-11 (us-east-1). Claude on Bedrock costs what it costs at
// Anthropic, cache writes and reads included. The cross-region inference
// profiles (us., eu., apac., global.) carry the model's price; AWS bills a
// 10% premium for the regional profiles of Claude 4.5 and later, which a
// model_override can add. Nova reads cached prompt tokens at a 75% discount
// and writes them at the input price (no premium). Limits from the model cards in the Bedrock
// user guide.
var bedrockModels = func() map[string]Spec {
	m := map[string]Spec{
		// Amazon Nova.
		"amazon.nova-premier-v1:0": chatSpec(1_000_000, 32_000, readsImages, 2.50, 0.625, 12.50),
		"amazon.nova-pro-v1:0":     chatSpec(300_000, 10_000, readsImages, 0.80, 0.20, 3.20),
		"amazon.nova-lite-v1:0":    chatSpec(300_000, 10_000, readsImages, 0.06, 0.015, 0.24),
		"amazon.nova-micro-v1:0":   chatSpec(128_000, 10_000, textOnly, 0.035, 0.00875, 0.14),
		// Meta Llama.
		"meta.llama3-3-70b-instruct-v1:0": chatSpec(128_000, 8_192, textOnly, 0.72, 0, 0.72),
		"meta.llama3-1-8b-instruct-v1:0":  chatSpec(128_000, 8_192, textOnly, 0.22, 0, 0.22),
		"meta.llama3-1-70b-instruct-v1:0": chatSpec(128_000, 8_192, textOnly, 0.72, 0, 0.72),
		// Embeddings.
		"amazon.titan-embed-text-v2:0": embeddingSpec(8_192, 0.02),
		"cohere.embed-english-v3":      embeddingSpec(512, 0.10),
		"cohere.embed-multilingual-v3": embeddingSpec(512, 0.10),
	}
	claude := map[string]Spec{
		"anthropic.claude-opus-4-5-20251101-v1:0":   anthropicModels["claude-opus-4-5"],
		"anthropic.claude-opus-4-1-20250805-v1:0":   anthropicModels["claude-opus-4-1"],
		"anthropic.claude-sonnet-4-5-20250929-v1:0": anthropicModels["claude-sonnet-4-5"],
		"anthropic.claude-sonnet-4-20250514-v1:0":   anthropicModels["claude-sonnet-4"],
		"anthropic.claude-haiku-4-5-20251001-v1:0":  anthropicModels["claude-haiku-4-5"],
		"anthropic.claude-3-7-sonnet-20250219-v1:0": anthropicModels["claude-3-7-sonnet"],
		"anthropic.claude-3-5-haiku-20241022-v1:0":  anthropicModels["claude-3-5-haiku"],
		"anthropic.claude-3-haiku-20240307-v1:0":    anthropicModels["claude-3-haiku"],
	}
	for id, s := range claude {
		m[id] = s
		for _, profile := range [...]string{"us.", "eu.", "apac.", "global."} {
			m[profile+id] = s
		}
	}
	for _, id := range [...]string{"amazon.nova-premier-v1:0", "amazon.nova-pro-v1:0", "amazon.nova-lite-v1:0", "amazon.nova-micro-v1:0"} {
		m["us."+id] = m[id]
	}
	return m
}()
