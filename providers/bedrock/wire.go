package bedrock

import "encoding/json"

// The Converse API's JSON, as far as the gateway writes or reads it
// (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html).
// Blobs (image and document bytes) are base64 strings on the JSON wire.

type converseRequest struct {
	Messages                     []message        `json:"messages"`
	System                       []block          `json:"system,omitempty"`
	InferenceConfig              *inferenceConfig `json:"inferenceConfig,omitempty"`
	ToolConfig                   *toolConfig      `json:"toolConfig,omitempty"`
	AdditionalModelRequestFields map[string]any   `json:"additionalModelRequestFields,omitempty"`
}

type message struct {
	Role    string  `json:"role"`
	Content []block `json:"content"`
}

// block is a ContentBlock (and a SystemContentBlock): one member is set.
type block struct {
	Text             *string         `json:"text,omitempty"`
	Image            *mediaBlock     `json:"image,omitempty"`
	Document         *mediaBlock     `json:"document,omitempty"`
	ToolUse          *toolUse        `json:"toolUse,omitempty"`
	ToolResult       *toolResult     `json:"toolResult,omitempty"`
	CachePoint       *cachePoint     `json:"cachePoint,omitempty"`
	ReasoningContent *reasoningBlock `json:"reasoningContent,omitempty"`
	JSON             json.RawMessage `json:"json,omitempty"` // in tool results
}

type mediaBlock struct {
	Format string      `json:"format"`
	Name   string      `json:"name,omitempty"` // documents only
	Source mediaSource `json:"source"`
}

type mediaSource struct {
	Bytes string `json:"bytes"`
}

type toolUse struct {
	ToolUseID string          `json:"toolUseId"`
	Name      string          `json:"name"`
	Input     json.RawMessage `json:"input"`
}

type toolResult struct {
	ToolUseID string  `json:"toolUseId"`
	Content   []block `json:"content"`
	Status    string  `json:"status,omitempty"`
}

type cachePoint struct {
	Type string `json:"type"`
}

// reasoningBlock is a ReasoningContentBlock: one member is set.
type reasoningBlock struct {
	ReasoningText   *reasoningText `json:"reasoningText,omitempty"`
	RedactedContent string         `json:"redactedContent,omitempty"`
}

type reasoningText struct {
	Text      string `json:"text"`
	Signature string `json:"signature,omitempty"`
}

type inferenceConfig struct {
	MaxTokens     *int     `json:"maxTokens,omitempty"`
	Temperature   *float64 `json:"temperature,omitempty"`
	TopP          *float64 `json:"topP,omitempty"`
	StopSequences []string `json:"stopSequences,omitempty"`
}

type toolConfig struct {
	Tools      []tool          `json:"tools"`
	ToolChoice json.RawMessage `json:"toolChoice,omitempty"`
}

type tool struct {
	ToolSpec toolSpec `json:"toolSpec"`
}

type toolSpec struct {
	Name        string      `json:"name"`
	Description string      `json:"description,omitempty"`
	InputSchema inputSchema `json:"inputSchema"`
}

type inputSchema struct {
	JSON json.RawMessage `json:"json"`
}

// converseResponse is Converse's answer.
type converseResponse struct {
	Output struct {
		Message *message `json:"message"`
	} `json:"output"`
	StopReason string     `json:"stopReason"`
	Usage      *wireUsage `json:"usage"`
}

// wireUsage is TokenUsage: inputTokens excludes the cache reads and
// writes, which are counted apart.
type wireUsage struct {
	InputTokens           int `json:"inputTokens"`
	OutputTokens          int `json:"outputTokens"`
	TotalTokens           int `json:"totalTokens"`
	CacheReadInputTokens  int `json:"cacheReadInputTokens"`
	CacheWriteInputTokens int `json:"cacheWriteInputTokens"`
}
