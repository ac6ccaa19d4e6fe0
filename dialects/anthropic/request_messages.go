package anthropic

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/sira-ai/caddy-ai-backends/providers"
	wire "github.com/sira-ai/caddy-ai-backends/providers/anthropic"
)

// appendInbound appends the unified messages for one Anthropic turn; the
// blocks it cannot translate (blockRule, Files API images, images in tool
// results) go to untranslatable. marked is set when a thinking block
// carries the gateway's mark (thinking_signature.go).
func appendInbound(msgs []providers.Message, m inMessage, i int, untranslatable *[]string, marked *bool) ([]providers.Message, error) {
	blocks, err := parseContent(m.Content, i)
	if err != nil {
		return nil, err
	}
	for j, b := range blocks {
		if blockRule(b.Type) == refused || (b.Type == "image" && !translatableImage(b.Source)) {
			*untranslatable = append(*untranslatable, blockField(i, j, b.Type))
		}
	}
	switch m.Role {
	case "user":
		var parts []providers.ContentPart
		for j, b := range blocks {
			switch b.Type {
			case "text":
				if b.Text != "" {
					parts = append(parts, providers.ContentPart{Type: "text", Text: b.Text})
				}
			case "image":
				if url, ok := imageURL(b.Source); ok {
					parts = append(parts, providers.ContentPart{Type: "image_url", ImageURL: &providers.ImageURL{URL: url}})
				}
			case "tool_result":
				// OpenAI wants tool results right after the assistant's
				// calls, so they go before the user's own text.
				content, textOnly := toolResultContent(b.Content)
				if !textOnly {
					*untranslatable = append(*untranslatable, blockField(i, j, "tool_result with non-text content"))
				}
				msgs = append(msgs, providers.Message{Role: "tool", ToolCallID: b.ToolUseID, Content: content})
			}
		}
		if c := partsContent(parts); !c.IsEmpty() {
			msgs = append(msgs, providers.Message{Role: "user", Content: c})
		}
	case "assistant":
		var calls []providers.ToolCall
		var thoughts []providers.ThinkingBlock
		var reasoning string
		for _, b := range blocks {
			switch b.Type {
			case "tool_use":
				calls = append(calls, providers.ToolCall{ID: b.ID, Type: "function",
					Function: providers.FunctionCall{Name: b.Name, Arguments: wire.ArgumentsJSON(b.Input)}})
			case "thinking", "redacted_thinking":
				if family, ok := gatewaySigned(b.Signature); ok && b.Type == "thinking" {
					// Another provider's reasoning: back to its family
					// only, and never among Anthropic's blocks.
					*marked = true
					if family == markOpenAI {
						reasoning += b.Thinking
					}
					continue
				}
				// Kept for an Anthropic-family upstream that gets the
				// request translated (Bedrock, Vertex, or after
				// redaction); other providers ignore them.
				thoughts = append(thoughts, providers.ThinkingBlock{Type: b.Type, Thinking: b.Thinking, Signature: b.Signature, Data: b.Data})
			}
		}
		if text := textParts(blocks); !text.IsEmpty() || len(calls) > 0 {
			msgs = append(msgs, providers.Message{Role: "assistant", Content: text, ToolCalls: calls,
				ThinkingBlocks: thoughts, ReasoningContent: reasoning})
		}
	default:
		field := "messages." + strconv.Itoa(i) + ".role"
		return nil, invalid(field, "%s: must be \"user\" or \"assistant\", got %q", field, m.Role)
	}
	return msgs, nil
}

// partsContent is plain text for a single text part, parts otherwise.
func partsContent(parts []providers.ContentPart) providers.Content {
	switch {
	case len(parts) == 0:
		return providers.Content{}
	case len(parts) == 1 && parts[0].Type == "text":
		return providers.TextContent(parts[0].Text)
	}
	return providers.Content{Parts: parts}
}

// translatableImage reports whether an image source has a URL form.
func translatableImage(src *wire.Source) bool {
	_, ok := imageURL(src)
	return ok
}

// imageURL renders an image source as an OpenAI image URL.
func imageURL(src *wire.Source) (string, bool) {
	switch {
	case src == nil:
		return "", false
	case src.Type == "base64" && src.Data != "":
		return wire.DataURL(src.MediaType, src.Data), true
	case src.Type == "url" && src.URL != "":
		return src.URL, true
	}
	return "", false // Files API sources cannot be expressed
}

// toolResultContent reads a tool_result's content: a string or text
// blocks; textOnly is false when it also holds blocks of other types
// (images, documents), which have no unified form.
func toolResultContent(raw json.RawMessage) (c providers.Content, textOnly bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return providers.Content{}, true
	}
	if raw[0] == '"' {
		var s string
		_ = json.Unmarshal(raw, &s)
		return providers.TextContent(s), true
	}
	var blocks []wire.Block
	if json.Unmarshal(raw, &blocks) != nil {
		return providers.Content{}, true
	}
	for _, b := range blocks {
		if b.Type != "text" {
			return textParts(blocks), false
		}
	}
	return textParts(blocks), true
}

// inboundTools keeps client tools; Anthropic's server tools (web search,
// code execution, …: a versioned type) have no unified form.
func inboundTools(tools []wire.Tool) []providers.Tool {
	var out []providers.Tool
	for _, t := range tools {
		if t.Type != "" && t.Type != "custom" {
			continue
		}
		out = append(out, providers.Tool{Type: "function", Function: providers.FunctionDef{
			Name: t.Name, Description: t.Description, Parameters: t.InputSchema}})
	}
	return out
}

// inboundToolChoice maps tool_choice; it is set only when tools remain, as
// OpenAI rejects a tool_choice without tools.
func inboundToolChoice(req *providers.ChatRequest, tc *wire.ToolChoice) error {
	if tc == nil {
		return nil
	}
	var choice providers.ToolChoice
	switch tc.Type {
	case "auto":
		choice.Mode = "auto"
	case "any":
		choice.Mode = "required"
	case "none":
		choice.Mode = "none"
	case "tool":
		if tc.Name == "" {
			return invalid("tool_choice.name", "tool_choice.name: field required")
		}
		choice.Function = tc.Name
	default:
		return invalid("tool_choice.type", "tool_choice.type: must be one of auto, any, tool, none")
	}
	if len(req.Tools) == 0 {
		return nil
	}
	req.ToolChoice = &choice
	if tc.DisableParallelToolUse && choice.Mode != "none" {
		no := false
		req.ParallelToolCalls = &no
	}
	return nil
}
