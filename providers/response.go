package providers

import "encoding/json"

// ChatResponse is the unified, OpenAI-shaped chat completion.
type ChatResponse struct {
	ID                string   `json:"id"`
	Object            string   `json:"object"`
	Created           int64    `json:"created"`
	Model             string   `json:"model"`
	SystemFingerprint string   `json:"system_fingerprint,omitempty"`
	Choices           []Choice `json:"choices"`
	Usage             *Usage   `json:"usage,omitempty"`

	// Raw is the upstream body when it already was an OpenAI chat completion;
	// the handler sends it to OpenAI-format clients unchanged.
	Raw []byte `json:"-"`

	// Original is the upstream body in another client format (an Anthropic
	// Message answering a /v1/messages request), so that dialect's writer
	// relays every block, thinking and signatures included, instead of
	// re-encoding Choices. The security filter clears it when it changes
	// the answer.
	Original Original `json:"-"`

	// choicesPending: Choices are still only in Raw (see LoadChoices), or
	// in choicesBody for decodeChoices (see DeferChoices).
	choicesPending bool
	choicesBody    []byte
	decodeChoices  ChoicesDecoder
}

// Choice is one completion alternative.
type Choice struct {
	Index        int             `json:"index"`
	Message      Message         `json:"message"`
	FinishReason string          `json:"finish_reason"`
	Logprobs     json.RawMessage `json:"logprobs"`
}

// ChatChunk is one streamed event ("chat.completion.chunk").
type ChatChunk struct {
	ID                string        `json:"id"`
	Object            string        `json:"object"`
	Created           int64         `json:"created"`
	Model             string        `json:"model"`
	SystemFingerprint string        `json:"system_fingerprint,omitempty"`
	Choices           []ChunkChoice `json:"choices"`
	Usage             *Usage        `json:"usage,omitempty"`

	// Raw is the event's JSON as the upstream sent it, when the upstream
	// spoke OpenAI's format; valid until the stream's next Next call.
	Raw []byte `json:"-"`

	// Event is the upstream event this chunk came from, when the upstream
	// speaks the client's own stream format (an Anthropic stream answering
	// /v1/messages); see StreamEvent. nil otherwise. Like Raw, it is valid
	// until the stream's next Next call (a pointer: most chunks have none).
	Event *StreamEvent `json:"-"`
}

// StreamEvent is one server-sent event as the upstream sent it, for a
// dialect that relays same-format events instead of re-encoding chunks (so
// thinking blocks, signatures and event types added later reach the
// client). While relaying, every upstream event yields exactly one chunk
// with an Event: the first chunk of the event carries Name and Data,
// further chunks of the same event have only Relay. An event that
// translates to nothing gets an empty chunk.
type StreamEvent struct {
	Name string
	Data []byte
	// Relay marks a chunk of a relayed stream.
	Relay bool
	// Changed is set by the gateway when it altered the chunk's unified
	// content (the security filter redacted text): the dialect must write
	// the unified content instead of Data.
	Changed bool
	// ModelAt, when its end is not 0, is where the event's top-level model
	// name (a JSON string, quotes included) lies in Data, as the provider
	// found it while reading the event: a dialect that relays the event
	// under the public model name splices it in there instead of scanning
	// the event again.
	ModelAt [2]int
}

// ChunkChoice is one choice's delta within a chunk.
type ChunkChoice struct {
	Index        int             `json:"index"`
	Delta        Delta           `json:"delta"`
	FinishReason *string         `json:"finish_reason"`
	Logprobs     json.RawMessage `json:"logprobs,omitempty"`
}

// Delta is the incremental message content of a chunk.
type Delta struct {
	Role      string     `json:"role,omitempty"`
	Content   *string    `json:"content,omitempty"`
	ToolCalls []ToolCall `json:"tool_calls,omitempty"`
	Refusal   *string    `json:"refusal,omitempty"`
	// ReasoningContent is a fragment of reasoning text (see Message).
	ReasoningContent *string `json:"reasoning_content,omitempty"`
	// ThinkingBlocks are complete signed blocks, each sent once, when
	// the block ended (see Message).
	ThinkingBlocks []ThinkingBlock `json:"thinking_blocks,omitempty"`
}

// HasReasoning reports whether the delta carries reasoning.
func (d *Delta) HasReasoning() bool {
	return d.ReasoningContent != nil || len(d.ThinkingBlocks) > 0
}

// Finish reasons in OpenAI's vocabulary.
const (
	FinishStop          = "stop"
	FinishLength        = "length"
	FinishToolCalls     = "tool_calls"
	FinishContentFilter = "content_filter"
)

// Usage follows OpenAI's convention: PromptTokens includes cached and
// cache-write tokens; CompletionTokens includes reasoning tokens.
type Usage struct {
	PromptTokens            int                      `json:"prompt_tokens"`
	CompletionTokens        int                      `json:"completion_tokens"`
	TotalTokens             int                      `json:"total_tokens"`
	PromptTokensDetails     *PromptTokensDetails     `json:"prompt_tokens_details,omitempty"`
	CompletionTokensDetails *CompletionTokensDetails `json:"completion_tokens_details,omitempty"`

	// CacheWriteTokens are prompt tokens written to the provider's prompt
	// cache (Anthropic's cache_creation_input_tokens). They are part of
	// PromptTokens, priced at the cache-write rate, and not on OpenAI's wire.
	CacheWriteTokens int `json:"-"`
}

// PromptTokensDetails breaks down prompt tokens.
type PromptTokensDetails struct {
	CachedTokens int `json:"cached_tokens"`
	AudioTokens  int `json:"audio_tokens,omitempty"`
}

// CompletionTokensDetails breaks down completion tokens.
type CompletionTokensDetails struct {
	ReasoningTokens int `json:"reasoning_tokens"`
	AudioTokens     int `json:"audio_tokens,omitempty"`
}

// CachedTokens returns prompt tokens read from the provider's cache.
func (u *Usage) CachedTokens() int {
	if u == nil || u.PromptTokensDetails == nil {
		return 0
	}
	return u.PromptTokensDetails.CachedTokens
}

// ReasoningTokens returns completion tokens spent on hidden reasoning.
func (u *Usage) ReasoningTokens() int {
	if u == nil || u.CompletionTokensDetails == nil {
		return 0
	}
	return u.CompletionTokensDetails.ReasoningTokens
}
