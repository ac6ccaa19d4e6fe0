package anthropic

import "github.com/sira-ai/caddy-ai-backends/providers"

// reasoning writes a delta's reasoning as thinking blocks (see
// StreamEncoder). Reasoning text streams into the thinking block begun
// last, or a new one. A signed block (thinking_blocks, sent whole when the
// provider's block ended) closes the thinking block its text streamed
// into with the provider's signature; a redacted_thinking block is written
// whole.
func (e *StreamEncoder) reasoning(d *providers.Delta) {
	if p := d.ReasoningContent; p != nil && *p != "" {
		e.stream("thinking", *p)
	}
	for i := range d.ThinkingBlocks {
		tb := &d.ThinkingBlocks[i]
		switch tb.Type {
		case "thinking":
			if e.lastKind() != "thinking" {
				e.stream("thinking", tb.Thinking) // the block came whole, without deltas
			}
			e.end(&tb.Signature)
		case "redacted_thinking":
			e.begin(outBlock{Type: "redacted_thinking", thinkingFields: &thinkingFields{Data: tb.Data}}, 0)
			e.end(nil)
		}
	}
}
