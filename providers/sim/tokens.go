package sim

import "github.com/sira-ai/caddy-ai-backends/providers"

// imageTokens is what one image part adds to a prompt: OpenAI's price of a
// low-detail image, so vision prompts cost something plausible.
const imageTokens = 85

// EstimateTokens approximates the prompt size of messages by the usual rule
// of thumb: one token per four bytes of text (content, name, refusal and
// tool calls), rounded up, plus 85 per image, and at least one per message.
// The simulator reports it as prompt_tokens; other code that needs a cheap
// guess of a prompt's size (limits, cost estimates) can use it too.
func EstimateTokens(messages []providers.Message) int {
	total := 0
	for i := range messages {
		m := &messages[i]
		chars := len(m.Name) + len(m.Refusal)
		images := 0
		if m.Content.Parts == nil {
			chars += len(m.Content.Text)
		}
		for j := range m.Content.Parts {
			part := &m.Content.Parts[j]
			switch {
			case part.Type == "text":
				chars += len(part.Text)
			case part.ImageURL != nil:
				images++
			}
		}
		for j := range m.ToolCalls {
			chars += len(m.ToolCalls[j].Function.Name) + len(m.ToolCalls[j].Function.Arguments)
		}
		total += max(textTokens(chars)+images*imageTokens, 1)
	}
	return total
}

// textTokens is the four-bytes-per-token estimate of a text's size.
func textTokens(bytes int) int { return (bytes + 3) / 4 }
