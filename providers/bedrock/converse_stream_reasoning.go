package bedrock

import "github.com/sira-ai/caddy-ai-backends/providers"

// reasoningDelta is a ReasoningContentBlockDelta: one member is set. A
// reasoning block has no contentBlockStart; its first delta opens it.
type reasoningDelta struct {
	Text            *string `json:"text"`
	Signature       string  `json:"signature"`
	RedactedContent string  `json:"redactedContent"`
}

// reasoning collects a reasoning delta into its block, which goes out
// whole at contentBlockStop (signature and redacted content only then),
// and streams the text as reasoning_content, as provider type anthropic
// does with thinking_delta.
func (s *streamTranslator) reasoning(index int, d *reasoningDelta) []*providers.ChatChunk {
	st := s.blocks[index]
	if st == nil {
		st = &blockState{thinking: &providers.ThinkingBlock{Type: "thinking"}}
		s.open(index, st)
	}
	tb := st.thinking
	if tb == nil {
		return nil // a tool block's index: not Converse's stream
	}
	if d.RedactedContent != "" {
		tb.Type = "redacted_thinking"
		tb.Data += d.RedactedContent
	}
	tb.Signature += d.Signature
	if d.Text == nil || *d.Text == "" {
		return nil
	}
	tb.Thinking += *d.Text
	c := s.chunk()
	c.Choices = []providers.ChunkChoice{{Delta: providers.Delta{ReasoningContent: d.Text}}}
	return []*providers.ChatChunk{c}
}
