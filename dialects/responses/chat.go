package responses

import (
	"encoding/json"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// ChatRequest builds the unified chat request for a translating provider:
// the instructions as a system message, then prior (the stored conversation
// of previous_response_id, nil when there is none), then this turn's input.
//
// What the unified request cannot carry is left out: reasoning items (their
// summaries and encrypted content stay in r.Input), text.verbosity,
// reasoning.summary, include, truncation, metadata and store (the gateway
// acts on those itself). OpenAI-only features never reach here: the pipeline
// refuses them first (r.OpenAIOnly).
func (r *Request) ChatRequest(prior []providers.Message) *providers.ChatRequest {
	msgs := make([]providers.Message, 0, len(prior)+len(r.Input)+1)
	if r.Instructions != nil && *r.Instructions != "" {
		msgs = append(msgs, providers.Message{Role: "system", Content: providers.TextContent(*r.Instructions)})
	}
	msgs = append(msgs, prior...)
	msgs = appendItems(msgs, r.Input)
	req := &providers.ChatRequest{
		Model:               r.Model,
		Messages:            msgs,
		MaxCompletionTokens: r.MaxOutputTokens,
		Temperature:         r.Temperature,
		TopP:                r.TopP,
		ToolChoice:          r.ToolChoice,
		ParallelToolCalls:   r.ParallelToolCalls,
		ResponseFormat:      r.responseFormat(),
		User:                r.User,
		Stream:              r.Stream,
	}
	if req.User == "" {
		req.User = r.SafetyIdentifier
	}
	if r.Reasoning != nil {
		req.ReasoningEffort = r.Reasoning.Effort
	}
	req.IncludeReasoning = r.wantsReasoning()
	if r.Stream {
		req.StreamOptions = &providers.StreamOptions{IncludeUsage: true} // the final event carries usage
	}
	for _, t := range r.Tools {
		req.Tools = append(req.Tools, providers.Tool{Type: "function", Function: providers.FunctionDef{
			Name: t.Name, Description: t.Description, Parameters: t.Parameters, Strict: t.Strict}})
	}
	return req
}

// InputMessages are this turn's input items as unified messages, without
// the instructions: what a stored conversation keeps of the turn.
func (r *Request) InputMessages() []providers.Message {
	return appendItems(nil, r.Input)
}

// appendItems translates items to unified messages: a function_call joins
// the assistant message before it (so parallel calls stay in one turn, as
// Anthropic and Gemini require), a function_call_output is a tool message.
// A reasoning item whose encrypted_content this gateway made gives its
// thinking blocks to the assistant message or function_call after it (see
// reasoning.go); other reasoning items are dropped.
func appendItems(msgs []providers.Message, items []Item) []providers.Message {
	var thinking []providers.ThinkingBlock // from reasoning items, for the next assistant turn
	for i := range items {
		it := &items[i]
		switch it.Type {
		case "reasoning":
			if it.EncryptedContent != nil {
				thinking = append(thinking, decodeThinking(*it.EncryptedContent)...)
			}
		case "message":
			m := messageOf(it)
			if m.Role == "assistant" && len(thinking) > 0 {
				m.ThinkingBlocks, thinking = thinking, nil
			}
			msgs = append(msgs, m)
		case "function_call":
			call := providers.ToolCall{ID: it.CallID, Type: "function",
				Function: providers.FunctionCall{Name: it.Name, Arguments: it.Arguments}}
			if n := len(msgs); n > 0 && msgs[n-1].Role == "assistant" && len(thinking) == 0 {
				msgs[n-1].ToolCalls = append(msgs[n-1].ToolCalls, call)
				continue
			}
			msgs = append(msgs, providers.Message{Role: "assistant", ToolCalls: []providers.ToolCall{call}, ThinkingBlocks: thinking})
			thinking = nil
		case "function_call_output":
			msgs = append(msgs, providers.Message{Role: "tool", ToolCallID: it.CallID, Content: providers.TextContent(it.Output)})
		}
	}
	return msgs
}

// messageOf translates a message item. Text-only content becomes plain
// text (the form every provider takes); content with images keeps parts.
func messageOf(it *Item) providers.Message {
	role := it.Role
	if role == "developer" {
		role = "system" // what every translating provider knows
	}
	m := providers.Message{Role: role}
	images := false
	for _, p := range it.Content {
		images = images || p.Type == "input_image"
	}
	if !images {
		text := ""
		for _, p := range it.Content {
			text += p.Text
		}
		m.Content = providers.TextContent(text)
		return m
	}
	parts := make([]providers.ContentPart, 0, len(it.Content))
	for _, p := range it.Content {
		if p.Type == "input_image" {
			parts = append(parts, providers.ContentPart{Type: "image_url", ImageURL: &providers.ImageURL{URL: p.ImageURL, Detail: p.Detail}})
			continue
		}
		parts = append(parts, providers.ContentPart{Type: "text", Text: p.Text})
	}
	m.Content = providers.Content{Parts: parts}
	return m
}

// responseFormat maps text.format to chat's response_format.
func (r *Request) responseFormat() *providers.ResponseFormat {
	if r.Text == nil {
		return nil
	}
	switch r.Text.Format {
	case "json_object":
		return &providers.ResponseFormat{Type: "json_object"}
	case "json_schema":
		schema, _ := json.Marshal(struct {
			Name        string          `json:"name"`
			Description string          `json:"description,omitempty"`
			Schema      json.RawMessage `json:"schema"`
			Strict      *bool           `json:"strict,omitempty"`
		}{r.Text.Name, r.Text.Desc, r.Text.Schema, r.Text.Strict})
		return &providers.ResponseFormat{Type: "json_schema", JSONSchema: schema}
	}
	return nil
}
