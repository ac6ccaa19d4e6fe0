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

// anthropicTurn is a message of a request, as checkThinkingHistory reads it.
type anthropicTurn struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`
}

type anthropicHistoryBlock struct {
	Type      string  `json:"type"`
	Thinking  *string `json:"thinking"`
	Signature *string `json:"signature"`
	Data      string  `json:"data"`
}

// thinks reports whether the fake answers with a thinking block.
func (o *AnthropicOptions) thinks() bool { return o.Thinking != "" || o.ThinkingOmitted }

// thinkingText is the text of the fake's thinking block: empty when omitted.
func (o *AnthropicOptions) thinkingText() string {
	if o.ThinkingOmitted {
		return ""
	}
	return o.Thinking
}

// checkThinkingBlock checks a thinking block given back at
// messages.i.content.j: both fields present (Anthropic's validation
// names the missing one), and both as the fake issued them.
func (f *anthropicFake) checkThinkingBlock(b anthropicHistoryBlock, i, j int) string {
	switch {
	case b.Thinking == nil:
		return fmt.Sprintf("messages.%d.content.%d.thinking.thinking: Field required", i, j)
	case b.Signature == nil:
		return fmt.Sprintf("messages.%d.content.%d.thinking.signature: Field required", i, j)
	case *b.Signature != anthropicSignature || *b.Thinking != f.opts.thinkingText():
		return fmt.Sprintf("messages.%d.content.%d: Invalid `signature` in `thinking` block", i, j)
	}
	return ""
}

// checkThinkingHistory applies the rules the Messages API enforces on the
// history when thinking is on (docs.anthropic.com, "Extended thinking",
// "Preserving thinking blocks"): the last assistant turn, when it calls
// tools, must start with a thinking or redacted_thinking block, and every
// thinking block sent back must be one this fake issued, unaltered
// (thinking text and signature as answered, both fields present even when
// the text is empty). It returns the error message,
// "" when the history is acceptable.
func (f *anthropicFake) checkThinkingHistory(body []byte) string {
	var req struct {
		Thinking *struct {
			Type string `json:"type"`
		} `json:"thinking"`
		Messages []anthropicTurn `json:"messages"`
	}
	if json.Unmarshal(body, &req) != nil {
		return ""
	}
	on := req.Thinking != nil && req.Thinking.Type != "disabled"
	lastAssistant := -1
	for i, m := range req.Messages {
		if m.Role != "assistant" {
			continue
		}
		lastAssistant = i
		var blocks []anthropicHistoryBlock
		if json.Unmarshal(m.Content, &blocks) != nil {
			continue // the string shorthand: no blocks
		}
		for j, b := range blocks {
			if b.Type != "thinking" {
				continue
			}
			if msg := f.checkThinkingBlock(b, i, j); msg != "" {
				return msg
			}
		}
	}
	if !on || lastAssistant < 0 {
		return ""
	}
	var blocks []anthropicHistoryBlock
	if json.Unmarshal(req.Messages[lastAssistant].Content, &blocks) != nil || len(blocks) == 0 {
		return ""
	}
	for _, b := range blocks {
		if b.Type == "tool_use" && blocks[0].Type != "thinking" && blocks[0].Type != "redacted_thinking" {
			return expectedThinking(lastAssistant, blocks[0].Type)
		}
	}
	return ""
}

// expectedThinking is Claude's refusal of a tool turn (messages.i) that
// starts with a found block instead of its thinking block.
func expectedThinking(i int, found string) string {
	return fmt.Sprintf("messages.%d.content.0.type: Expected `thinking` or `redacted_thinking`, but found `%s`. "+
		"When `thinking` is enabled, a final `assistant` message must start with a thinking block (preceeding the lastmost set of `tool_use` and `tool_result` blocks). "+
		"We recommend you include thinking blocks from previous turns. To avoid this requirement, disable `thinking`. "+
		"Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking",
		i, found)
}

// anthropicSignature is the signature of the fake's thinking blocks.
const anthropicSignature = "sig_fake"

// toolResults counts the tool_result blocks of a request: with
// AnthropicOptions.ToolTurns the fake stops calling tools after that many.
func toolResults(body []byte) int {
	var req struct {
		Messages []anthropicTurn `json:"messages"`
	}
	_ = json.Unmarshal(body, &req)
	n := 0
	for _, m := range req.Messages {
		var blocks []anthropicHistoryBlock
		if json.Unmarshal(m.Content, &blocks) == nil {
			for _, b := range blocks {
				if b.Type == "tool_result" {
					n++
				}
			}
		}
	}
	return n
}
