package responses

import (
	"encoding/json"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// OutputItem is one output item: a message, a function call, or reasoning.
type OutputItem struct {
	Type   string // message, function_call or reasoning
	ID     string
	Status string // in_progress, completed, incomplete

	Role    string          // message
	Content []OutputContent // message

	CallID, Name, Arguments string // function_call

	// reasoning (see reasoning.go): summary texts, and encrypted_content
	// when include asked for it; thinking keeps the blocks for a stored
	// conversation.
	Summary          []string
	EncryptedContent string
	thinking         []providers.ThinkingBlock
}

// OutputContent is one part of an output message.
type OutputContent struct {
	Type string // output_text or refusal
	Text string
}

// MarshalJSON writes the item as OpenAI does for its type.
func (it OutputItem) MarshalJSON() ([]byte, error) {
	if it.Type == "reasoning" {
		return reasoningJSON(it)
	}
	if it.Type == "function_call" {
		return json.Marshal(functionCallJSON{it.ID, it.Type, it.Status, it.Arguments, it.CallID, it.Name})
	}
	content := it.Content
	if content == nil {
		content = []OutputContent{}
	}
	return json.Marshal(struct {
		ID      string          `json:"id"`
		Type    string          `json:"type"`
		Status  string          `json:"status"`
		Content []OutputContent `json:"content"`
		Role    string          `json:"role"`
	}{it.ID, it.Type, it.Status, content, it.Role})
}

// functionCallJSON is a function_call item as OpenAI writes it, among a
// response's output and in an input_items list.
type functionCallJSON struct {
	ID        string `json:"id"`
	Type      string `json:"type"`
	Status    string `json:"status"`
	Arguments string `json:"arguments"`
	CallID    string `json:"call_id"`
	Name      string `json:"name"`
}

// MarshalJSON writes output_text with its (empty) annotations and logprobs,
// and refusal with its refusal text.
func (c OutputContent) MarshalJSON() ([]byte, error) {
	if c.Type == "refusal" {
		return json.Marshal(struct {
			Type    string `json:"type"`
			Refusal string `json:"refusal"`
		}{c.Type, c.Text})
	}
	return json.Marshal(struct {
		Type        string     `json:"type"`
		Annotations []struct{} `json:"annotations"`
		Logprobs    []struct{} `json:"logprobs"`
		Text        string     `json:"text"`
	}{c.Type, []struct{}{}, []struct{}{}, c.Text})
}
