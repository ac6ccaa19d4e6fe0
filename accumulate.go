package aibackends

import (
	"strings"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// streamAccumulator rebuilds a complete chat completion from stream
// chunks, so a streamed answer can be cached and replayed later.
type streamAccumulator struct {
	resp    providers.ChatResponse
	text    []strings.Builder
	choices []providers.Choice
}

func (a *streamAccumulator) add(c *providers.ChatChunk) {
	if a.resp.ID == "" {
		a.resp.ID, a.resp.Created, a.resp.Model = c.ID, c.Created, c.Model
		a.resp.SystemFingerprint = c.SystemFingerprint
	}
	if c.Usage != nil {
		a.resp.Usage = c.Usage
	}
	for _, cc := range c.Choices {
		for len(a.choices) <= cc.Index {
			a.choices = append(a.choices, providers.Choice{Index: len(a.choices), Message: providers.Message{Role: "assistant"}})
			a.text = append(a.text, strings.Builder{})
		}
		ch := &a.choices[cc.Index]
		if cc.Delta.Content != nil {
			a.text[cc.Index].WriteString(*cc.Delta.Content)
		}
		if cc.Delta.Refusal != nil {
			ch.Message.Refusal += *cc.Delta.Refusal
		}
		for _, tc := range cc.Delta.ToolCalls {
			idx := len(ch.Message.ToolCalls)
			if tc.Index != nil {
				idx = *tc.Index
			}
			for len(ch.Message.ToolCalls) <= idx {
				ch.Message.ToolCalls = append(ch.Message.ToolCalls, providers.ToolCall{Type: "function"})
			}
			call := &ch.Message.ToolCalls[idx]
			if tc.ID != "" {
				call.ID = tc.ID
			}
			if tc.Function.Name != "" {
				call.Function.Name = tc.Function.Name
			}
			call.Function.Arguments += tc.Function.Arguments
		}
		if cc.FinishReason != nil {
			ch.FinishReason = *cc.FinishReason
		}
	}
}

// response returns the assembled completion.
func (a *streamAccumulator) response() *providers.ChatResponse {
	r := a.resp
	r.Object = "chat.completion"
	r.Choices = make([]providers.Choice, len(a.choices))
	for i, ch := range a.choices {
		ch.Message.Content = providers.TextContent(a.text[i].String())
		ch.Logprobs = []byte("null")
		r.Choices[i] = ch
	}
	return &r
}
