// Package catalog knows what models can do and what they cost: a built-in
// table for current OpenAI, Anthropic and Gemini models, a catalog loaded
// from a LiteLLM-format file or URL (loader.go), and overrides.
package catalog

// Prices are USD per one million tokens, per image and per second.
type Prices struct {
	Input       float64 `json:"input,omitempty"`
	CachedInput float64 `json:"cached_input,omitempty"` // cache reads
	CacheWrite  float64 `json:"cache_write,omitempty"`  // cache writes (Anthropic); 0 = Input rate
	Output      float64 `json:"output,omitempty"`
	Reasoning   float64 `json:"reasoning,omitempty"` // 0 = Output rate
	PerImage    float64 `json:"per_image,omitempty"`
	PerSecond   float64 `json:"per_second,omitempty"` // models billed by time (audio, video)
}

// Spec is what one model can do, and its prices.
type Spec struct {
	ContextWindow int    `json:"context_window,omitempty"`
	MaxOutput     int    `json:"max_output,omitempty"`
	Vision        bool   `json:"vision,omitempty"`
	Tools         bool   `json:"tools,omitempty"`
	JSONMode      bool   `json:"json_mode,omitempty"`
	Streaming     bool   `json:"streaming,omitempty"`
	Embeddings    bool   `json:"embeddings,omitempty"` // an embedding model
	Images        bool   `json:"images,omitempty"`     // an image generation model
	Reasoning     bool   `json:"reasoning,omitempty"`  // OpenAI reasoning model: max_completion_tokens only
	Prices        Prices `json:"prices"`
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
