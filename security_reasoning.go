package aibackends

import "github.com/sira-ai/caddy-ai-backends/providers"

// Reasoning is part of the answer a client sees, so the response filter
// covers it too. reasoning_content is redacted like content. A thinking
// block's text cannot be: its signature covers it, and Anthropic refuses an
// altered block. So blocks holding a secret are dropped instead; the next
// tool turn then goes up with thinking off (see the Anthropic provider),
// which works, where an altered block would fail.

// redactMessageReasoning filters m's reasoning; it returns the findings.
func (cp *contentPolicy) redactMessageReasoning(m *providers.Message) int {
	var n int
	if m.ReasoningContent != "" {
		m.ReasoningContent, n = cp.filter.RedactSecrets(m.ReasoningContent)
	}
	if cp.blocksHoldSecret(m.ThinkingBlocks) {
		m.ThinkingBlocks = nil
		n++
	}
	return n
}

// redactDeltaReasoning filters a stream delta's reasoning likewise.
func (cp *contentPolicy) redactDeltaReasoning(d *providers.Delta) int {
	var n int
	if p := d.ReasoningContent; p != nil && *p != "" {
		var out string
		if out, n = cp.filter.RedactSecrets(*p); n > 0 {
			d.ReasoningContent = &out
		}
	}
	if cp.blocksHoldSecret(d.ThinkingBlocks) {
		d.ThinkingBlocks = nil
		n++
	}
	return n
}

func (cp *contentPolicy) blocksHoldSecret(blocks []providers.ThinkingBlock) bool {
	for _, b := range blocks {
		if b.Thinking != "" {
			if _, k := cp.filter.RedactSecrets(b.Thinking); k > 0 {
				return true
			}
		}
	}
	return false
}
