package aibackends

import (
	"github.com/sira-ai/caddy-ai-backends/internal/sat"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// charsPerToken is the rule of thumb the prompt estimate uses too.
const charsPerToken = 4

// streamedChars counts the characters of a chunk that make up the answer:
// text, refusals and tool-call names and arguments.
func streamedChars(c *providers.ChatChunk) int {
	n := 0
	for i := range c.Choices {
		d := &c.Choices[i].Delta
		if d.Content != nil {
			n = sat.Add(n, len(*d.Content))
		}
		if d.Refusal != nil {
			n = sat.Add(n, len(*d.Refusal))
		}
		for j := range d.ToolCalls {
			n = sat.Add(n, len(d.ToolCalls[j].Function.Name)+len(d.ToolCalls[j].Function.Arguments))
		}
	}
	return n
}

// estimateStreamUsage charges a stream that ended without the upstream's
// usage (the client disconnected before the final chunk, or the upstream
// sends none) for what it streamed: the prompt estimate and the streamed
// characters at four a token. Without it such a stream cost nothing, after
// the upstream had produced, and billed, almost the whole answer. The audit
// entry marks it usage_estimated.
func (rec *record) estimateStreamUsage() {
	if !rec.streamed || rec.usage != nil {
		return
	}
	completion := rec.streamedChars / charsPerToken
	if rec.streamedChars%charsPerToken != 0 {
		completion++ // a started token counts
	}
	rec.usage = &providers.Usage{
		PromptTokens: rec.promptEstimate, CompletionTokens: completion,
		TotalTokens: sat.AddCounts(rec.promptEstimate, completion),
	}
	rec.usageEstimated = true
}
