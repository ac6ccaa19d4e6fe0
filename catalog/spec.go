// Package catalog knows what models can do and what they cost: a built-in
// table for current OpenAI, Anthropic and Gemini models, a catalog loaded
// from a LiteLLM-format file or URL (loader.go), and overrides.
package catalog

// Prices are USD per one million tokens, per image and per second.
type Prices struct {
	// Input is the rate of uncached prompt tokens.
	Input float64 `json:"input,omitempty"`
	// CachedInput is the rate of prompt tokens read from a cache.
	CachedInput float64 `json:"cached_input,omitempty"`
	// CacheWrite is the rate of prompt tokens written to a cache
	// (Anthropic); 0 means the Input rate.
	CacheWrite float64 `json:"cache_write,omitempty"`
	// Output is the rate of completion tokens.
	Output float64 `json:"output,omitempty"`
	// Reasoning is the rate of reasoning tokens; 0 means the Output rate.
	Reasoning float64 `json:"reasoning,omitempty"`
	// PerImage is the price of one generated image.
	PerImage float64 `json:"per_image,omitempty"`
	// PerSecond is the price of one second, for models billed by time
	// (audio, video).
	PerSecond float64 `json:"per_second,omitempty"`
}

// Spec is what one model can do, and its prices.
type Spec struct {
	// ContextWindow is the most tokens a request and its answer may hold.
	ContextWindow int `json:"context_window,omitempty"`
	// MaxOutput is the most tokens one answer may hold.
	MaxOutput int  `json:"max_output,omitempty"`
	Vision    bool `json:"vision,omitempty"`
	Tools     bool `json:"tools,omitempty"`
	JSONMode  bool `json:"json_mode,omitempty"`
	Streaming bool `json:"streaming,omitempty"`
	// Embeddings marks an embedding model.
	Embeddings bool `json:"embeddings,omitempty"`
	// Images marks an image generation model.
	Images bool `json:"images,omitempty"`
	// Reasoning marks an OpenAI reasoning model: it takes
	// max_completion_tokens only.
	Reasoning bool   `json:"reasoning,omitempty"`
	Prices    Prices `json:"prices"`
}

// Tokens are independent usage counters, each priced at its own rate.
type Tokens struct {
	Input       int     // uncached prompt tokens
	CachedInput int     // prompt tokens read from cache
	CacheWrite  int     // prompt tokens written to cache
	Output      int     // completion tokens other than reasoning
	Reasoning   int     // hidden reasoning tokens
	Images      int     // generated images
	Seconds     float64 // billed seconds, for models priced per second
}
