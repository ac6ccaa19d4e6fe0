package anthropic

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/sira-ai/caddy-ai-backends/providers"
	wire "github.com/sira-ai/caddy-ai-backends/providers/anthropic"
)

// inRequest is a Messages API request as a client (the official SDK) sends it.
type inRequest struct {
	Model         *string          `json:"model"`
	MaxTokens     *int             `json:"max_tokens"`
	Messages      *[]inMessage     `json:"messages"`
	System        json.RawMessage  `json:"system"`
	StopSequences []string         `json:"stop_sequences"`
	Temperature   *float64         `json:"temperature"`
	TopP          *float64         `json:"top_p"`
	TopK          *int             `json:"top_k"`
	Metadata      *wire.Metadata   `json:"metadata"`
	Tools         []wire.Tool      `json:"tools"`
	ToolChoice    *wire.ToolChoice `json:"tool_choice"`
	Stream        bool             `json:"stream"`
	OutputConfig  *inOutputConfig  `json:"output_config"`
	OutputFormat  *inOutputFormat  `json:"output_format"`
	Thinking      *inThinking      `json:"thinking"`
}

// inOutputConfig is output_config: the structured-output format, and the
// effort level (see reasoningEffort).
type inOutputConfig struct {
	Format *inOutputFormat `json:"format"`
	Effort string          `json:"effort"`
}

// inOutputFormat is {"type":"json_schema","schema":{…}}.
type inOutputFormat struct {
	Type   string          `json:"type"`
	Schema json.RawMessage `json:"schema"`
}

type inMessage struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`
}

// ParseMessagesRequest translates an Anthropic Messages request (the
// gateway's POST /v1/messages) into the unified request, so any provider can
// serve it:
//
//	system (string or text blocks)  → a leading system message
//	user text / image blocks        → a user message (images as data: or https URLs)
//	user tool_result blocks         → tool messages (tool_call_id), in order, before the user's text
//	assistant text / tool_use       → an assistant message with tool_calls (input as a JSON string)
//	max_tokens → max_tokens; stop_sequences → stop; temperature, top_p, top_k; metadata.user_id → user
//	tools (input_schema → parameters); tool_choice auto/any/tool/none → auto/required/named/none;
//	disable_parallel_tool_use → parallel_tool_calls false; stream (with usage requested)
//	output_config.format (or the beta output_format) json_schema → response_format json_schema
//	thinking and output_config.effort → reasoning_effort (request_reasoning.go)
//
// Every field of the API has a rule (fields.go): what is harmless to drop
// is left out here (thinking blocks, cache_control,
// service_tier, …); what changes the meaning and cannot be translated
// (documents, Files API images, server tools, mcp_servers, unknown fields,
// …) is listed in req.Untranslatable, so the request goes only to an
// Anthropic upstream, which gets the client's body (req.Original) as is.
// Errors are *providers.Error of KindInvalidRequest naming the field.
func ParseMessagesRequest(body []byte) (*providers.ChatRequest, error) {
	req, _, err := parseRequest(body, true)
	return req, err
}

// ParseCountTokensRequest is ParseMessagesRequest for a count_tokens body,
// which has the same fields less max_tokens (and the sampling settings,
// which are accepted and not used).
func ParseCountTokensRequest(body []byte) (*providers.ChatRequest, error) {
	req, _, err := parseRequest(body, false)
	return req, err
}

// parseRequest decodes a Messages or count_tokens body; relay is the body
// an Anthropic upstream gets: body itself, or a copy without the
// gateway-marked thinking blocks (withoutMarkedThinking).
func parseRequest(body []byte, needMaxTokens bool) (req *providers.ChatRequest, relay []byte, err error) {
	req, marked, err := decodeRequest(body, needMaxTokens)
	if err != nil {
		return nil, nil, err
	}
	if marked {
		return req, withoutMarkedThinking(body), nil
	}
	return req, body, nil
}

// decodeRequest decodes a body; marked reports a gateway-marked thinking
// block in it.
func decodeRequest(body []byte, needMaxTokens bool) (*providers.ChatRequest, bool, error) {
	var in inRequest
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, false, &providers.Error{Kind: providers.KindInvalidRequest, Message: "invalid JSON body: " + err.Error(), Err: err}
	}
	switch {
	case in.Model == nil || *in.Model == "":
		return nil, false, invalid("model", "model: field required")
	case in.MaxTokens == nil && needMaxTokens:
		return nil, false, invalid("max_tokens", "max_tokens: field required")
	case in.MaxTokens != nil && *in.MaxTokens < 0:
		return nil, false, invalid("max_tokens", "max_tokens: must be greater than or equal to 0")
	case in.Messages == nil:
		return nil, false, invalid("messages", "messages: field required")
	case len(*in.Messages) == 0:
		return nil, false, invalid("messages", "messages: at least one message is required")
	}
	req := &providers.ChatRequest{
		Model:       *in.Model,
		MaxTokens:   in.MaxTokens,
		Temperature: in.Temperature,
		TopP:        in.TopP,
		TopK:        in.TopK,
		Stream:      in.Stream,
	}
	if len(in.StopSequences) > 0 {
		req.Stop = providers.StringList(in.StopSequences)
	}
	if in.Metadata != nil {
		req.User = in.Metadata.UserID
	}
	if in.Stream {
		req.StreamOptions = &providers.StreamOptions{IncludeUsage: true} // message_delta reports usage
	}
	req.Untranslatable = untranslatableFields(body, nil)
	system, err := parseSystem(in.System, &req.Untranslatable)
	if err != nil {
		return nil, false, err
	}
	if !system.IsEmpty() {
		req.Messages = append(req.Messages, providers.Message{Role: "system", Content: system})
	}
	marked := false
	head := len(req.Messages)
	for i, m := range *in.Messages {
		if req.Messages, err = appendInbound(req.Messages, m, i, &req.Untranslatable, &marked); err != nil {
			return nil, false, err
		}
	}
	if len(req.Messages) == head {
		// Every turn was empty: Anthropic refuses that with this message,
		// and no upstream can answer a conversation with nothing in it.
		return nil, false, invalid("messages", "messages: all messages must have non-empty content except for the optional final assistant message")
	}
	if req.ResponseFormat, err = outputFormat(in.OutputConfig, in.OutputFormat); err != nil {
		return nil, false, err
	}
	var effort string
	if in.OutputConfig != nil {
		effort = in.OutputConfig.Effort
	}
	if req.ReasoningEffort, err = reasoningEffort(in.Thinking, effort); err != nil {
		return nil, false, err
	}
	// Anthropic shows thinking only when it was enabled; so do answers
	// from other providers.
	req.IncludeReasoning = in.Thinking != nil && (in.Thinking.Type == "enabled" || in.Thinking.Type == "adaptive")
	if err := budgetBelowMaxTokens(in.Thinking, in.MaxTokens); err != nil {
		return nil, false, err
	}
	req.Untranslatable = serverTools(in.Tools, req.Untranslatable)
	req.Tools = inboundTools(in.Tools)
	if len(req.Tools) > 0 || in.ToolChoice != nil {
		if err := inboundToolChoice(req, in.ToolChoice); err != nil {
			return nil, false, err
		}
	}
	return req, marked, nil
}

// parseSystem reads system as a string or an array of text blocks; a block
// of another type (none exists today) goes to untranslatable.
func parseSystem(raw json.RawMessage, untranslatable *[]string) (providers.Content, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return providers.Content{}, nil
	}
	var blocks []wire.Block
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return providers.Content{}, invalid("system", "system: %v", err)
		}
		return providers.TextContent(s), nil
	}
	if err := json.Unmarshal(raw, &blocks); err != nil {
		return providers.Content{}, invalid("system", "system: must be a string or an array of text blocks")
	}
	for i, b := range blocks {
		if b.Type != "text" {
			*untranslatable = append(*untranslatable, "system."+strconv.Itoa(i)+" ("+b.Type+")")
		}
	}
	return textParts(blocks), nil
}

// textParts keeps the text blocks: one becomes plain text, several become
// text parts (no separator is invented between them).
func textParts(blocks []wire.Block) providers.Content {
	var parts []providers.ContentPart
	for _, b := range blocks {
		if b.Type == "text" && b.Text != "" {
			parts = append(parts, providers.ContentPart{Type: "text", Text: b.Text})
		}
	}
	return partsContent(parts)
}

// parseContent reads a message's content: a string or an array of blocks.
func parseContent(raw json.RawMessage, i int) ([]wire.Block, error) {
	raw = bytes.TrimSpace(raw)
	field := "messages." + strconv.Itoa(i) + ".content"
	switch {
	case len(raw) == 0 || bytes.Equal(raw, []byte("null")):
		return nil, invalid(field, "%s: field required", field)
	case raw[0] == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, invalid(field, "%s: %v", field, err)
		}
		return []wire.Block{{Type: "text", Text: s}}, nil
	}
	var blocks []wire.Block
	if err := json.Unmarshal(raw, &blocks); err != nil {
		return nil, invalid(field, "%s: must be a string or an array of content blocks", field)
	}
	return blocks, nil
}
