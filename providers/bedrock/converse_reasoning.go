package bedrock

import "github.com/sira-ai/caddy-ai-backends/providers"

// Converse carries Claude's thinking as reasoningContent blocks
// (ReasoningContentBlock: reasoningText with text and signature, or
// redactedContent, a base64 blob on the JSON wire). They map one to one
// onto the unified ThinkingBlocks, type thinking and redacted_thinking,
// with the redacted blob kept as the base64 string Converse sent.

// reasoningBlocks turns thinking_blocks given back into reasoningContent
// blocks, in order and unchanged; other block types are not Claude's.
func reasoningBlocks(tbs []providers.ThinkingBlock) []block {
	var out []block
	for _, tb := range tbs {
		switch tb.Type {
		case "thinking":
			r := &reasoningBlock{ReasoningText: &reasoningText{Text: tb.Thinking, Signature: tb.Signature}}
			out = append(out, block{ReasoningContent: r})
		case "redacted_thinking":
			out = append(out, block{ReasoningContent: &reasoningBlock{RedactedContent: tb.Data}})
		}
	}
	return out
}

// thinkingBlock is the unified form of a reasoningContent block.
func (r *reasoningBlock) thinkingBlock() providers.ThinkingBlock {
	if r.ReasoningText == nil {
		return providers.ThinkingBlock{Type: "redacted_thinking", Data: r.RedactedContent}
	}
	return providers.ThinkingBlock{Type: "thinking", Thinking: r.ReasoningText.Text, Signature: r.ReasoningText.Signature}
}
