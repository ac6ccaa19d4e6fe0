package catalog

// Gemini API models (Google AI Studio keys, generativelanguage.googleapis.com).
//
// Prices: USD per 1M tokens from https://ai.google.dev/gemini-api/docs/pricing,
// checked on 2026-11-25 against third-party copies of it. Text/image/video
// input rates (audio input costs more). Cached input is the context-caching
// read rate (a tenth of input on 2.5 models, a quarter on 2.0 Flash);
// storage per hour is not modelled. Gemini 2.5 Pro charges more for prompts
// over 200K tokens ($2.50 in, $15 out); the table holds the ≤200K rate, so
// cost estimates for very long prompts are low. Thinking tokens are billed
// as output.
//
// Limits from the model pages (ai.google.dev/gemini-api/docs/models):
// 1,048,576 input tokens; 65,536 output tokens on 2.5 models, 8,192 on 2.0.
var geminiModels = map[string]Spec{
	"gemini-2.5-pro":        chatSpec(1_048_576, 65_536, readsImages, 1.25, 0.125, 10.00),
	"gemini-2.5-flash":      chatSpec(1_048_576, 65_536, readsImages, 0.30, 0.03, 2.50),
	"gemini-2.5-flash-lite": chatSpec(1_048_576, 65_536, readsImages, 0.10, 0.01, 0.40),
	"gemini-2.0-flash":      chatSpec(1_048_576, 8_192, readsImages, 0.10, 0.025, 0.40),

	// Embeddings take 2,048 input tokens. text-embedding-004 is free of
	// charge on the Gemini API (price 0: nothing to bill).
	"text-embedding-004":   embeddingSpec(2_048, 0),
	"gemini-embedding-001": embeddingSpec(2_048, 0.15),

	// Vertex AI's own embedding models (the vertex provider; Gemini and
	// Claude models on Vertex share the families above and in
	// table_anthropic.go, claude-*@date included). Vertex bills them per
	// input character, $0.000025 per 1,000; at Google's four characters
	// per token that is $0.10 per 1M tokens. 2,048 input tokens each.
	"text-embedding-005":              embeddingSpec(2_048, 0.10),
	"text-multilingual-embedding-002": embeddingSpec(2_048, 0.10),
}
