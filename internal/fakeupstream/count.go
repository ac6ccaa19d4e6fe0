package fakeupstream

import (
	"encoding/json"
	"net/http"
	"strings"
)

// The fakes' token-counting endpoints (Anthropic count_tokens, OpenAI
// responses/input_tokens, Gemini countTokens) answer in the real shapes
// with a count tests can work out by hand: FakeTokenCount of the fields
// the real API counts.

// FakeTokenCount is the fakes' token count of a JSON value: one token per
// whitespace-separated word of every string in it (object keys excluded),
// so "role":"user" and "type":"text" count one each like the text.
func FakeTokenCount(raw json.RawMessage) int {
	var v any
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil {
		return 0
	}
	return countWords(v)
}

func countWords(v any) int {
	switch x := v.(type) {
	case string:
		return len(strings.Fields(x))
	case []any:
		n := 0
		for _, e := range x {
			n += countWords(e)
		}
		return n
	case map[string]any:
		n := 0
		for _, e := range x {
			n += countWords(e)
		}
		return n
	}
	return 0
}

// anthropicCountFields are what POST /v1/messages/count_tokens accepts;
// anything else is "Extra inputs are not permitted", as at Anthropic.
var anthropicCountFields = map[string]bool{"model": true, "messages": true, "system": true, "tools": true,
	"tool_choice": true, "thinking": true, "mcp_servers": true, "context_management": true, "output_config": true}

// serveCountTokens answers POST /v1/messages/count_tokens:
// {"input_tokens": n} counting messages, system and tools.
func (f *anthropicFake) serveCountTokens(w http.ResponseWriter, body []byte) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		anthropicError(w, http.StatusBadRequest, "invalid_request_error", "invalid JSON body", nil)
		return
	}
	for k := range top {
		if !anthropicCountFields[k] {
			anthropicError(w, http.StatusBadRequest, "invalid_request_error", k+": Extra inputs are not permitted", nil)
			return
		}
	}
	var model string
	_ = json.Unmarshal(top["model"], &model)
	switch {
	case model == "":
		anthropicError(w, http.StatusBadRequest, "invalid_request_error", "model: Field required", nil)
		return
	case len(top["messages"]) == 0:
		anthropicError(w, http.StatusBadRequest, "invalid_request_error", "messages: Field required", nil)
		return
	}
	n := FakeTokenCount(top["messages"]) + FakeTokenCount(top["system"]) + FakeTokenCount(top["tools"])
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]int{"input_tokens": n})
}

// oaiInputTokensFields are what POST /v1/responses/input_tokens accepts.
var oaiInputTokensFields = map[string]bool{"model": true, "input": true, "instructions": true, "tools": true,
	"tool_choice": true, "parallel_tool_calls": true, "previous_response_id": true, "reasoning": true,
	"text": true, "truncation": true, "conversation": true}

// serveInputTokens answers POST /v1/responses/input_tokens:
// {"object":"response.input_tokens","input_tokens": n} counting input,
// instructions and tools.
func (f *fakeOpenAI) serveInputTokens(w http.ResponseWriter, body []byte) {
	var top map[string]json.RawMessage
	if !oaiDecode(w, body, &top) {
		return
	}
	for k := range top {
		if !oaiInputTokensFields[k] {
			oaiWriteError(w, oaiInvalidRequest(k, "unknown_parameter", "Unknown parameter: '"+k+"'."))
			return
		}
	}
	n := FakeTokenCount(top["input"]) + FakeTokenCount(top["instructions"]) + FakeTokenCount(top["tools"])
	writeJSON(w, map[string]any{"object": "response.input_tokens", "input_tokens": n})
}

// countTokens answers models/{model}:countTokens: {"totalTokens": n} over
// contents, or over a generateContentRequest's contents, system
// instruction and tools; exactly one of the two must be sent.
func (g *gemini) countTokens(w http.ResponseWriter, body []byte) {
	var req struct {
		Contents json.RawMessage `json:"contents"`
		Generate *struct {
			Model             string          `json:"model"`
			Contents          json.RawMessage `json:"contents"`
			SystemInstruction json.RawMessage `json:"systemInstruction"`
			Tools             json.RawMessage `json:"tools"`
		} `json:"generateContentRequest"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		geminiInvalid(w, "Invalid JSON payload received. "+err.Error())
		return
	}
	var n int
	switch {
	case req.Contents != nil && req.Generate != nil:
		geminiInvalid(w, "* CountTokensRequest: contents and generate_content_request cannot both be set.")
		return
	case req.Generate != nil:
		if req.Generate.Model == "" {
			geminiInvalid(w, "* CountTokensRequest.generate_content_request.model: model is required.")
			return
		}
		n = FakeTokenCount(req.Generate.Contents) + FakeTokenCount(req.Generate.SystemInstruction) + FakeTokenCount(req.Generate.Tools)
	case req.Contents != nil:
		n = FakeTokenCount(req.Contents)
	default:
		geminiInvalid(w, "* CountTokensRequest: one of contents or generate_content_request must be set.")
		return
	}
	writeJSON(w, map[string]any{"totalTokens": n, "promptTokensDetails": []any{map[string]any{"modality": "TEXT", "tokenCount": n}}})
}
