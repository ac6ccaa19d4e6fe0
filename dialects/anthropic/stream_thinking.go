package anthropic

import "github.com/sira-ai/caddy-ai-backends/providers"

// reasoning writes a delta's reasoning as thinking blocks (see
// StreamEncoder). Reasoning text streams into the open thinking block, or
// a new one. A signed block (thinking_blocks, sent whole when the
// provider's block ended) closes the thinking block its text streamed
// into with the provider's signature; a redacted_thinking block is written
// whole.
func (e *StreamEncoder) reasoning(d *providers.Delta) {
	if p := d.ReasoningContent; p != nil && *p != "" {
		e.thinkingText(*p)
	}
	for i := range d.ThinkingBlocks {
		tb := &d.ThinkingBlocks[i]
		switch tb.Type {
		case "thinking":
			if e.kind != "thinking" {
				e.thinkingText(tb.Thinking) // the block came whole, without deltas
			}
			e.signature = &tb.Signature
			e.closeBlock()
		case "redacted_thinking":
			e.openBlock(outBlock{Type: "redacted_thinking", thinkingFields: &thinkingFields{Data: tb.Data}})
			e.closeBlock()
		}
	}
}

// thinkingText opens a thinking block unless one is open and writes s as a
// thinking_delta (nothing for "").
func (e *StreamEncoder) thinkingText(s string) {
	if e.kind != "thinking" {
		empty := ""
		e.openBlock(outBlock{Type: "thinking", thinkingFields: &thinkingFields{Thinking: &empty, Signature: &empty}})
	}
	if s != "" {
		e.write("content_block_delta", thinkingDelta{Type: "content_block_delta", Index: e.open,
			Delta: thinkingDeltaBody{Type: "thinking_delta", Thinking: &s}})
	}
}
