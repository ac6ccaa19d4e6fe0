package fakeupstream

import (
	"encoding/json"
	"fmt"
)

// anthropicThinkingRequest is what the fake checks of a request with
// thinking on.
type anthropicThinkingRequest struct {
	MaxTokens int `json:"max_tokens"`
	Thinking  *struct {
		Type         string `json:"type"`
		BudgetTokens *int   `json:"budget_tokens"`
	} `json:"thinking"`
	Temperature *float64 `json:"temperature"`
	TopK        *int     `json:"top_k"`
	TopP        *float64 `json:"top_p"`
	ToolChoice  *struct {
		Type string `json:"type"`
	} `json:"tool_choice"`
}

// checkThinking applies the Messages API's rules for extended thinking
// (docs.anthropic.com, "Extended thinking"): budget_tokens at least 1024
// and below max_tokens; temperature only 1, no top_k, top_p within
// 0.95..1; no forced tool use. It returns the error message, "" when the
// request is acceptable.
func checkThinking(body []byte) string {
	var req anthropicThinkingRequest
	if json.Unmarshal(body, &req) != nil || req.Thinking == nil {
		return ""
	}
	switch req.Thinking.Type {
	case "disabled":
		return ""
	case "adaptive":
	case "enabled":
		switch b := req.Thinking.BudgetTokens; {
		case b == nil:
			return "thinking.enabled.budget_tokens: Field required"
		case *b < 1024:
			return "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024"
		case req.MaxTokens <= *b:
			return fmt.Sprintf("`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size (max_tokens %d, budget_tokens %d)", req.MaxTokens, *b)
		}
	default:
		return "thinking: Input tag '" + req.Thinking.Type + "' found using 'type' does not match any of the expected tags: 'disabled', 'enabled', 'adaptive'"
	}
	switch {
	case req.Temperature != nil && *req.Temperature != 1:
		return "`temperature` may only be set to 1 when thinking is enabled or in adaptive mode. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#feature-compatibility"
	case req.TopK != nil:
		return "`top_k` is not supported when thinking is enabled"
	case req.TopP != nil && (*req.TopP < 0.95 || *req.TopP > 1):
		return "`top_p` must be between 0.95 and 1 when thinking is enabled"
	case req.ToolChoice != nil && (req.ToolChoice.Type == "any" || req.ToolChoice.Type == "tool"):
		return "Thinking may not be enabled when tool_choice forces tool use."
	}
	return ""
}
