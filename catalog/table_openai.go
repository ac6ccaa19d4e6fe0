package catalog

// OpenAI models.
//
// Prices: USD per 1M tokens (standard tier, not Batch/Flex/Priority) and per
// image, as listed on https://platform.openai.com/docs/pricing (now
// developers.openai.com/api/docs/pricing) and cross-checked against
// third-party copies of it on 2026-11-25. The newest price pages no longer
// list the older families (gpt-4o, gpt-4.1, o1); their last published prices
// are kept, since the API still bills them at those rates.
//
// Limits: context window and max output tokens from the model pages on
// platform.openai.com/docs/models. Reasoning models (o-series, gpt-5) take
// max_completion_tokens only and bill hidden reasoning tokens at the output
// rate (Prices.Reasoning = 0 means "output rate").
var openAIModels = map[string]Spec{
	// GPT-4o family: cached input is half the input rate.
	"gpt-4o":      chatSpec(128_000, 16_384, readsImages, 2.50, 1.25, 10.00),
	"gpt-4o-mini": chatSpec(128_000, 16_384, readsImages, 0.15, 0.075, 0.60),

	// GPT-4.1 family: 1,047,576-token window, cached input a quarter.
	"gpt-4.1":      chatSpec(1_047_576, 32_768, readsImages, 2.00, 0.50, 8.00),
	"gpt-4.1-mini": chatSpec(1_047_576, 32_768, readsImages, 0.40, 0.10, 1.60),
	"gpt-4.1-nano": chatSpec(1_047_576, 32_768, readsImages, 0.10, 0.025, 0.40),

	// o-series reasoning models. o3's price is the one after its June 2025
	// reduction. o3-mini reads no images.
	"o1":      reasoningSpec(chatSpec(200_000, 100_000, readsImages, 15.00, 7.50, 60.00)),
	"o3":      reasoningSpec(chatSpec(200_000, 100_000, readsImages, 2.00, 0.50, 8.00)),
	"o3-mini": reasoningSpec(chatSpec(200_000, 100_000, textOnly, 1.10, 0.55, 4.40)),
	"o4-mini": reasoningSpec(chatSpec(200_000, 100_000, readsImages, 1.10, 0.275, 4.40)),

	// GPT-5 family: 400K total window (272K input + 128K output), cached
	// input a tenth of the input rate.
	"gpt-5":      reasoningSpec(chatSpec(400_000, 128_000, readsImages, 1.25, 0.125, 10.00)),
	"gpt-5-mini": reasoningSpec(chatSpec(400_000, 128_000, readsImages, 0.25, 0.025, 2.00)),
	"gpt-5-nano": reasoningSpec(chatSpec(400_000, 128_000, readsImages, 0.05, 0.005, 0.40)),

	// Embeddings: input tokens only; 8,192 input tokens per item.
	"text-embedding-3-small": embeddingSpec(8_192, 0.02),
	"text-embedding-3-large": embeddingSpec(8_192, 0.13),
	"text-embedding-ada-002": embeddingSpec(8_192, 0.10),

	// Image generation. DALL·E is billed per image: the standard-quality
	// 1024×1024 price. gpt-image-1 is billed by tokens (text input $5,
	// cached $1.25, image output $40 per 1M); PerImage is the
	// medium-quality 1024×1024 equivalent (1,056 output tokens ≈ $0.042),
	// for estimates when a response reports no usage.
	"dall-e-3":    imageSpec(0, 0, 0, 0.040),
	"dall-e-2":    imageSpec(0, 0, 0, 0.020),
	"gpt-image-1": imageSpec(5.00, 1.25, 40.00, 0.042),
}
