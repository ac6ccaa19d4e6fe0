package openai

import "github.com/sira-ai/caddy-ai-backends/providers"

// Translated answers carry the provider's reasoning (reasoning_content and
// thinking_blocks) for clients that asked for it with IncludeReasoningHeader;
// plain clients see no new fields. These helpers leave the reasoning out
// without changing the answer they were given, which other writers (the
// response cache, the audit log) may still read.

// withoutReasoning returns resp, or a copy whose messages carry no
// reasoning when any did.
func withoutReasoning(resp *providers.ChatResponse) *providers.ChatResponse {
	found := false
	for i := range resp.Choices {
		m := &resp.Choices[i].Message
		if m.ReasoningContent != "" || len(m.ThinkingBlocks) > 0 {
			found = true
			break
		}
	}
	if !found {
		return resp
	}
	c := *resp
	c.Choices = make([]providers.Choice, len(resp.Choices))
	copy(c.Choices, resp.Choices)
	for i := range c.Choices {
		c.Choices[i].Message.ReasoningContent = ""
		c.Choices[i].Message.ThinkingBlocks = nil
	}
	return &c
}

// chunkWithoutReasoning returns c, a copy of c without reasoning, or nil
// when reasoning was all c carried (the chunk is not sent at all).
func chunkWithoutReasoning(c *providers.ChatChunk) *providers.ChatChunk {
	reasoning, other := false, c.Usage != nil || len(c.Choices) == 0
	for i := range c.Choices {
		ch := &c.Choices[i]
		d := &ch.Delta
		if d.HasReasoning() {
			reasoning = true
		}
		if d.Role != "" || d.Content != nil || len(d.ToolCalls) > 0 || d.Refusal != nil || ch.FinishReason != nil {
			other = true
		}
	}
	switch {
	case !reasoning:
		return c
	case !other:
		return nil
	}
	cp := *c
	cp.Choices = make([]providers.ChunkChoice, len(c.Choices))
	copy(cp.Choices, c.Choices)
	for i := range cp.Choices {
		cp.Choices[i].Delta.ReasoningContent = nil
		cp.Choices[i].Delta.ThinkingBlocks = nil
	}
	return &cp
}
