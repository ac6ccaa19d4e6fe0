package providers

import (
	"bytes"
	"encoding/json"
	"errors"
)

// ChatRequest is the unified chat request. It follows OpenAI Chat Completions,
// the shape every client SDK already speaks; translating providers map it to
// their own wire format.
type ChatRequest struct {
	Model               string          `json:"model"`
	Messages            []Message       `json:"messages"`
	MaxTokens           *int            `json:"max_tokens,omitempty"`
	MaxCompletionTokens *int            `json:"max_completion_tokens,omitempty"`
	Temperature         *float64        `json:"temperature,omitempty"`
	TopP                *float64        `json:"top_p,omitempty"`
	TopK                *int            `json:"top_k,omitempty"`
	N                   *int            `json:"n,omitempty"`
	Stop                StringList      `json:"stop,omitempty"`
	Stream              bool            `json:"stream,omitempty"`
	StreamOptions       *StreamOptions  `json:"stream_options,omitempty"`
	Tools               []Tool          `json:"tools,omitempty"`
	ToolChoice          *ToolChoice     `json:"tool_choice,omitempty"`
	ParallelToolCalls   *bool           `json:"parallel_tool_calls,omitempty"`
	ResponseFormat      *ResponseFormat `json:"response_format,omitempty"`
	Seed                *int64          `json:"seed,omitempty"`
	PresencePenalty     *float64        `json:"presence_penalty,omitempty"`
	FrequencyPenalty    *float64        `json:"frequency_penalty,omitempty"`
	ReasoningEffort     string          `json:"reasoning_effort,omitempty"`
	User                string          `json:"user,omitempty"`

	// IncludeReasoning: the client asked for reasoning text and thinking
	// blocks in the answer (OpenAI chat: the X-Include-Reasoning header;
	// Responses: reasoning.summary or include). Providers that can return
	// thoughts only on request (Gemini's includeThoughts) ask for them.
	IncludeReasoning bool `json:"-"`
	// ReasoningSource is the family of the provider whose answer is being
	// written, set by the handler when it commits to a deployment. A
	// dialect that must sign the reasoning it returns (Anthropic's thinking
	// blocks) names the family, so the reasoning goes back only to a
	// provider of that family. (One byte: it sits in IncludeReasoning's
	// padding.)
	ReasoningSource ReasoningFamily `json:"-"`

	// Original is the client's own body and its format, for a provider
	// that speaks the same format (see Original).
	Original Original `json:"-"`

	// Untranslatable names the request fields (dotted paths, e.g.
	// "mcp_servers" or "messages.2.content.0") that change the meaning of
	// the request and that only an upstream relaying Original in its own
	// format can honour. The gateway refuses to send such a request to any
	// other provider (see RelaysOriginal) rather than drop them.
	Untranslatable []string `json:"-"`
	// Droppable names the request fields that only tune the answer (Gemini's
	// safetySettings): honoured by an upstream relaying Original, dropped by
	// every other provider, and the answer then says so (X-AI-Dropped-Fields).
	Droppable []string `json:"-"`
}

// OutputLimit returns the client's output token limit, preferring
// max_completion_tokens, or 0 when none was set.
func (r *ChatRequest) OutputLimit() int {
	if r.MaxCompletionTokens != nil {
		return *r.MaxCompletionTokens
	}
	if r.MaxTokens != nil {
		return *r.MaxTokens
	}
	return 0
}

// IncludeUsage reports whether the client asked for the final usage chunk.
func (r *ChatRequest) IncludeUsage() bool {
	return r.StreamOptions != nil && r.StreamOptions.IncludeUsage
}

// StreamOptions are OpenAI's stream_options.
type StreamOptions struct {
	IncludeUsage bool `json:"include_usage,omitempty"`
}

// Message is one chat turn.
type Message struct {
	Role       string     `json:"role"`
	Content    Content    `json:"content"`
	Name       string     `json:"name,omitempty"`
	ToolCalls  []ToolCall `json:"tool_calls,omitempty"`
	ToolCallID string     `json:"tool_call_id,omitempty"`
	Refusal    string     `json:"refusal,omitempty"`

	// ReasoningContent is the model's visible reasoning text (Anthropic
	// thinking, Gemini thought summaries), the field DeepSeek and vLLM
	// use. Sent to clients that asked for reasoning (IncludeReasoning);
	// ignored in requests: the signed ThinkingBlocks are what goes back.
	ReasoningContent string `json:"reasoning_content,omitempty"`
	// ThinkingBlocks are the provider's signed reasoning blocks, returned
	// so that a client passing the assistant message back unchanged gives
	// them back: Anthropic rejects a tool turn whose thinking is missing.
	ThinkingBlocks []ThinkingBlock `json:"thinking_blocks,omitempty"`
}

// ThinkingBlock is one of Anthropic's reasoning blocks, kept exactly:
// "thinking" with its text and signature, or "redacted_thinking" with its
// encrypted data. A provider restores the blocks unchanged on the next
// turn; another provider family drops them (the signatures are not its).
type ThinkingBlock struct {
	Type      string `json:"type"`
	Thinking  string `json:"thinking,omitempty"`
	Signature string `json:"signature,omitempty"`
	Data      string `json:"data,omitempty"`
}

// MarshalJSON writes a "thinking" block's thinking and signature even
// when empty: Anthropic sends thinking "" with display "omitted" and
// refuses the block back without the field. Other types keep omitempty.
func (b ThinkingBlock) MarshalJSON() ([]byte, error) {
	if b.Type != "thinking" {
		type plain ThinkingBlock
		return json.Marshal(plain(b))
	}
	return json.Marshal(struct {
		Type      string `json:"type"`
		Thinking  string `json:"thinking"`
		Signature string `json:"signature"`
		Data      string `json:"data,omitempty"`
	}{b.Type, b.Thinking, b.Signature, b.Data})
}

// Content is a message's content: plain text, or a list of parts (text and
// images). On the wire it is a string, an array of parts, or null.
type Content struct {
	Text  string
	Parts []ContentPart
}

// TextContent returns plain-text content.
func TextContent(s string) Content { return Content{Text: s} }

// String returns the text of the content, parts joined in order (images skipped).
func (c Content) String() string {
	if c.Parts == nil {
		return c.Text
	}
	var b bytes.Buffer
	for _, p := range c.Parts {
		if p.Type == "text" {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

// IsEmpty reports whether the content carries no text and no parts.
func (c Content) IsEmpty() bool { return c.Text == "" && len(c.Parts) == 0 }

// HasImage reports whether any part is an image.
func (c Content) HasImage() bool {
	for _, p := range c.Parts {
		if p.Type == "image_url" && p.ImageURL != nil {
			return true
		}
	}
	return false
}

// MarshalJSON writes parts as an array, text as a string, and empty content as null.
func (c Content) MarshalJSON() ([]byte, error) {
	if c.Parts != nil {
		return json.Marshal(c.Parts)
	}
	if c.Text == "" {
		return []byte("null"), nil
	}
	return json.Marshal(c.Text)
}

// UnmarshalJSON accepts a string, an array of parts, or null.
func (c *Content) UnmarshalJSON(b []byte) error {
	*c = Content{}
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || bytes.Equal(b, []byte("null")):
		return nil
	case b[0] == '"':
		return decodeString(b, &c.Text)
	case b[0] == '[':
		c.Parts = []ContentPart{}
		return json.Unmarshal(b, &c.Parts)
	}
	return errors.New("content must be a string, an array of content parts, or null")
}

// ContentPart is one element of array content.
type ContentPart struct {
	Type     string    `json:"type"`
	Text     string    `json:"text,omitempty"`
	ImageURL *ImageURL `json:"image_url,omitempty"`
}

// ImageURL is an image part: an http(s) URL or a data: URL with base64 data.
type ImageURL struct {
	URL    string `json:"url"`
	Detail string `json:"detail,omitempty"`
}

// Tool is a function the model may call.
type Tool struct {
	Type     string      `json:"type"`
	Function FunctionDef `json:"function"`
}

// FunctionDef describes a callable function; Parameters is a JSON Schema.
type FunctionDef struct {
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Parameters  json.RawMessage `json:"parameters,omitempty"`
	Strict      *bool           `json:"strict,omitempty"`
}

// ToolCall is a call the model made. Index is set only in stream deltas.
type ToolCall struct {
	Index    *int         `json:"index,omitempty"`
	ID       string       `json:"id,omitempty"`
	Type     string       `json:"type,omitempty"`
	Function FunctionCall `json:"function"`
}

// FunctionCall carries the function name and its arguments as a JSON string
// (fragments of it in stream deltas).
type FunctionCall struct {
	Name      string `json:"name,omitempty"`
	Arguments string `json:"arguments"`
}

// ToolChoice is "auto", "none", "required", or a named function.
type ToolChoice struct {
	Mode     string // auto, none, required; empty when Function is set
	Function string // name of the forced function
}

// MarshalJSON writes a mode as a string and a named function as an object.
func (t ToolChoice) MarshalJSON() ([]byte, error) {
	if t.Function != "" {
		return json.Marshal(map[string]any{"type": "function", "function": map[string]string{"name": t.Function}})
	}
	return json.Marshal(t.Mode)
}

// UnmarshalJSON accepts both forms.
func (t *ToolChoice) UnmarshalJSON(b []byte) error {
	*t = ToolChoice{}
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &t.Mode)
	}
	var obj struct {
		Function struct {
			Name string `json:"name"`
		} `json:"function"`
	}
	if err := json.Unmarshal(b, &obj); err != nil {
		return err
	}
	if obj.Function.Name == "" {
		return errors.New("tool_choice object needs function.name")
	}
	t.Function = obj.Function.Name
	return nil
}

// ResponseFormat is OpenAI's response_format (text, json_object, json_schema).
type ResponseFormat struct {
	Type       string          `json:"type"`
	JSONSchema json.RawMessage `json:"json_schema,omitempty"`
}

// WantsJSON reports whether the client asked for JSON output.
func (r *ResponseFormat) WantsJSON() bool {
	return r != nil && (r.Type == "json_object" || r.Type == "json_schema")
}

// Instruction asks for JSON output in words, for upstreams without a
// response_format switch (Anthropic's Messages API, Bedrock's Converse):
// the provider appends it to the system prompt, with the JSON schema when
// the client gave one.
func (r *ResponseFormat) Instruction() string {
	const base = "Respond only with a single valid JSON object, with no text, explanation or code fences before or after it."
	if r.Type != "json_schema" || len(r.JSONSchema) == 0 {
		return base
	}
	var spec struct {
		Schema json.RawMessage `json:"schema"`
	}
	if json.Unmarshal(r.JSONSchema, &spec) != nil || len(spec.Schema) == 0 {
		return base
	}
	return base + " The object must conform to this JSON Schema: " + string(spec.Schema)
}

// StringList is a string or an array of strings on the wire (OpenAI's stop).
type StringList []string

// UnmarshalJSON accepts a string, an array of strings, or null.
func (s *StringList) UnmarshalJSON(b []byte) error {
	*s = nil
	if len(b) > 0 && b[0] == '"' {
		var one string
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*s = StringList{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*s = many
	return nil
}
