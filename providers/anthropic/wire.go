package anthropic

import (
	"bytes"
	"encoding/json"
)

// The Messages API wire format (https://docs.anthropic.com/en/api/messages),
// limited to the fields the gateway reads or writes. The same block type is
// used in both directions: decoding ignores what it does not know, encoding
// omits what is empty.

// wireRequest is the body of POST /v1/messages.
type wireRequest struct {
	Model         string        `json:"model"`
	MaxTokens     int           `json:"max_tokens"`
	System        wireSystem    `json:"system,omitempty"`
	Messages      []wireMessage `json:"messages"`
	Metadata      *Metadata     `json:"metadata,omitempty"`
	StopSequences []string      `json:"stop_sequences,omitempty"`
	Stream        bool          `json:"stream,omitempty"`
	Temperature   *float64      `json:"temperature,omitempty"`
	TopK          *int          `json:"top_k,omitempty"`
	TopP          *float64      `json:"top_p,omitempty"`
	Tools         []Tool        `json:"tools,omitempty"`
	ToolChoice    *ToolChoice   `json:"tool_choice,omitempty"`
	Thinking      *Thinking     `json:"thinking,omitempty"`
	OutputConfig  *OutputConfig `json:"output_config,omitempty"`
}

// Metadata is the request's metadata (user_id).
type Metadata struct {
	UserID string `json:"user_id,omitempty"`
}

// wireSystem is the top-level system prompt: sent as a plain string when it
// is one text block, as an array of text blocks otherwise, so that no
// separator has to be invented between the client's system messages.
type wireSystem []Block

func (s wireSystem) MarshalJSON() ([]byte, error) {
	if len(s) == 1 && s[0].Type == "text" {
		return Marshal(s[0].Text)
	}
	return Marshal([]Block(s))
}

// wireMessage is one turn. Its content is written as a string when it is a
// single text block (the API's shorthand), as blocks otherwise.
type wireMessage struct {
	Role    string  `json:"role"`
	Content []Block `json:"content"`
}

func (m wireMessage) MarshalJSON() ([]byte, error) {
	type turn struct {
		Role    string `json:"role"`
		Content any    `json:"content"`
	}
	if len(m.Content) == 1 && m.Content[0].Type == "text" {
		return Marshal(turn{m.Role, m.Content[0].Text})
	}
	return Marshal(turn{m.Role, m.Content})
}

// Block is a content block: text, image, tool_use, tool_result, or a
// kind the gateway passes over (thinking, server tools, documents).
type Block struct {
	Type      string          `json:"type"`
	Text      string          `json:"text,omitempty"`
	Source    *Source         `json:"source,omitempty"`
	ID        string          `json:"id,omitempty"`
	Name      string          `json:"name,omitempty"`
	Input     json.RawMessage `json:"input,omitempty"`
	ToolUseID string          `json:"tool_use_id,omitempty"`
	Content   json.RawMessage `json:"content,omitempty"` // tool_result: a string or blocks
	IsError   bool            `json:"is_error,omitempty"`
	// Thinking and Signature are a thinking block's; Data is a
	// redacted_thinking block's encrypted reasoning.
	Thinking  string `json:"thinking,omitempty"`
	Signature string `json:"signature,omitempty"`
	Data      string `json:"data,omitempty"`

	// compact says Input and Content are valid, compact JSON made by this
	// package, so encodeRequest copies them instead of re-scanning them
	// (tool results can be large). encoding/json ignores the field.
	compact bool
}

// MarshalJSON writes a thinking block with exactly its own fields, thinking
// and signature even when empty: Anthropic answers thinking "" with
// display "omitted" and refuses the block back without the field. Other
// blocks keep Block's omitempty rules.
func (x Block) MarshalJSON() ([]byte, error) {
	if x.Type != "thinking" {
		type plain Block
		return Marshal(plain(x))
	}
	return Marshal(struct {
		Type      string `json:"type"`
		Thinking  string `json:"thinking"`
		Signature string `json:"signature"`
		Data      string `json:"data,omitempty"`
	}{x.Type, x.Thinking, x.Signature, x.Data})
}

// Source is an image source: base64 data or a URL.
type Source struct {
	Type      string `json:"type"`
	MediaType string `json:"media_type,omitempty"`
	Data      string `json:"data,omitempty"`
	URL       string `json:"url,omitempty"`
}

// Tool is a client tool definition. Type is empty (or "custom") for
// client tools and names the tool version for Anthropic's server tools.
type Tool struct {
	Type        string          `json:"type,omitempty"`
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	InputSchema json.RawMessage `json:"input_schema,omitempty"`
}

// ToolChoice is Anthropic's tool_choice.
type ToolChoice struct {
	Type                   string `json:"type"`
	Name                   string `json:"name,omitempty"`
	DisableParallelToolUse bool   `json:"disable_parallel_tool_use,omitempty"`
}

// wireResponse is a Message object: the non-streaming answer, and the
// message inside a message_start event.
type wireResponse struct {
	ID           string     `json:"id"`
	Type         string     `json:"type"`
	Role         string     `json:"role"`
	Model        string     `json:"model"`
	Content      []Block    `json:"content"`
	StopReason   string     `json:"stop_reason"`
	StopSequence *string    `json:"stop_sequence"`
	Usage        *wireUsage `json:"usage"`
}

// wireUsage holds token counts. Pointers tell "absent or null" apart from
// zero: message_delta carries only the counts it updates.
type wireUsage struct {
	InputTokens              *int `json:"input_tokens"`
	CacheCreationInputTokens *int `json:"cache_creation_input_tokens"`
	CacheReadInputTokens     *int `json:"cache_read_input_tokens"`
	OutputTokens             *int `json:"output_tokens"`
	OutputTokensDetails      *struct {
		ThinkingTokens int `json:"thinking_tokens"`
	} `json:"output_tokens_details"`
}

// wireEvent is the data of one streaming event; which fields are set
// depends on Type (https://docs.anthropic.com/en/api/messages-streaming).
type wireEvent struct {
	Type         string        `json:"type"`
	Message      *wireResponse `json:"message"`
	Index        int           `json:"index"`
	ContentBlock *Block        `json:"content_block"`
	Delta        *wireDelta    `json:"delta"`
	Usage        *wireUsage    `json:"usage"`
}

// wireDelta is a content_block_delta's delta or a message_delta's delta.
type wireDelta struct {
	Type        string `json:"type"`
	Text        string `json:"text"`
	PartialJSON string `json:"partial_json"`
	Thinking    string `json:"thinking"`
	Signature   string `json:"signature"`
	StopReason  string `json:"stop_reason"`
}

// wireErrorBody is Anthropic's error envelope:
// {"type":"error","error":{"type","message"},"request_id"}.
type wireErrorBody struct {
	Type      string     `json:"type"`
	Error     *wireError `json:"error"`
	RequestID string     `json:"request_id"`
}

type wireError struct {
	Type    string `json:"type"`
	Message string `json:"message"`
	Details *struct {
		ErrorCode string `json:"error_code"`
	} `json:"details"`
}

// Marshal encodes v without HTML escaping, as the API itself writes JSON,
// so text such as "<b>" stays readable on the wire.
func Marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
