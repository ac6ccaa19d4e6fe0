package fakeupstream

import (
	"encoding/json"
	"fmt"
	"strings"
)

// DefaultBedrockThinking is the fake's reasoning text when thinking is on
// and BedrockConfig.Thinking is empty; BedrockSignature signs it.
const (
	DefaultBedrockThinking = "The user wants the weather; I will call the tool."
	BedrockSignature       = "sig_bedrock_fake"
)

// bedrockThinkingRequest is what the fake reads of a Converse body's
// thinking: the switch Claude takes in additionalModelRequestFields, and
// each turn's blocks as the fake checks them.
type bedrockThinkingRequest struct {
	AdditionalModelRequestFields struct {
		Thinking *struct {
			Type string `json:"type"`
		} `json:"thinking"`
	} `json:"additionalModelRequestFields"`
	Messages []struct {
		Role    string `json:"role"`
		Content []struct {
			ToolUse          json.RawMessage `json:"toolUse"`
			Text             *string         `json:"text"`
			ReasoningContent *struct {
				ReasoningText *struct {
					Text      *string `json:"text"`
					Signature *string `json:"signature"`
				} `json:"reasoningText"`
				RedactedContent string `json:"redactedContent"`
			} `json:"reasoningContent"`
		} `json:"content"`
	} `json:"messages"`
}

// thinkingText is the text of the fake's reasoning block.
func (c *BedrockConfig) thinkingText() string {
	if c.Thinking == "" {
		return DefaultBedrockThinking
	}
	return c.Thinking
}

// checkThinking applies Claude's rules on the history as Bedrock relays
// them (a ValidationException, "The model returned the following errors:
// " and Anthropic's message): every reasoning block given back must be
// one this fake issued, unaltered; with thinking on, the last assistant
// turn, when it calls tools, must start with its reasoning block. It
// reports whether thinking is on, and the error message ("" when the
// request is acceptable).
func (f *fakeBedrock) checkThinking(body []byte) (on bool, msg string) {
	var req bedrockThinkingRequest
	if json.Unmarshal(body, &req) != nil {
		return false, ""
	}
	t := req.AdditionalModelRequestFields.Thinking
	on = t != nil && t.Type != "disabled"
	last := -1
	for i, m := range req.Messages {
		if m.Role != "assistant" {
			continue
		}
		last = i
		for j, b := range m.Content {
			rt := b.ReasoningContent
			if rt == nil || rt.ReasoningText == nil {
				continue
			}
			switch {
			case rt.ReasoningText.Signature == nil:
				return on, bedrockModelErrors(fmt.Sprintf("messages.%d.content.%d.thinking.signature: Field required", i, j))
			case rt.ReasoningText.Text == nil || *rt.ReasoningText.Text != f.cfg.thinkingText() || *rt.ReasoningText.Signature != BedrockSignature:
				return on, bedrockModelErrors(fmt.Sprintf("messages.%d.content.%d: Invalid `signature` in `thinking` block", i, j))
			}
		}
	}
	if !on || last < 0 || len(req.Messages[last].Content) == 0 {
		return on, ""
	}
	blocks := req.Messages[last].Content
	for _, b := range blocks {
		if b.ToolUse == nil || blocks[0].ReasoningContent != nil {
			continue
		}
		found := "tool_use"
		if blocks[0].Text != nil {
			found = "text"
		}
		return on, bedrockModelErrors(expectedThinking(last, found))
	}
	return on, ""
}

// bedrockModelErrors is a ValidationException body relaying the model's
// own refusal, as Bedrock words it.
func bedrockModelErrors(msg string) string {
	b, _ := json.Marshal(map[string]string{"message": "The model returned the following errors: " + msg})
	return string(b)
}

// reasoningTokens is what the fake counts for its reasoning text in
// outputTokens: one token a word.
func reasoningTokens(text string) int { return len(strings.Fields(text)) }
