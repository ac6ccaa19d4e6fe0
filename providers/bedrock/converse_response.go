package bedrock

import (
	"encoding/json"
	"strings"

	"github.com/sira-ai/caddy-ai-backends/internal/sat"
	"github.com/sira-ai/caddy-ai-backends/providers"
	"github.com/sira-ai/caddy-ai-backends/providers/anthropic"
)

// fromConverse translates a Converse answer into the unified response.
func fromConverse(body []byte, id, model string, created int64) (*providers.ChatResponse, error) {
	var w converseResponse
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, &providers.Error{Kind: providers.KindUpstream, Message: "upstream sent a malformed Converse response", Err: err}
	}
	msg := providers.Message{Role: "assistant"}
	var text, reasoning strings.Builder
	if w.Output.Message != nil {
		for _, b := range w.Output.Message.Content {
			switch {
			case b.Text != nil:
				text.WriteString(*b.Text)
			case b.ReasoningContent != nil:
				tb := b.ReasoningContent.thinkingBlock()
				msg.ThinkingBlocks = append(msg.ThinkingBlocks, tb)
				reasoning.WriteString(tb.Thinking)
			case b.ToolUse != nil:
				msg.ToolCalls = append(msg.ToolCalls, providers.ToolCall{
					ID: b.ToolUse.ToolUseID, Type: "function",
					Function: providers.FunctionCall{Name: b.ToolUse.Name, Arguments: anthropic.ArgumentsJSON(b.ToolUse.Input)},
				})
			}
		}
	}
	msg.Content = providers.TextContent(text.String())
	msg.ReasoningContent = reasoning.String() // its tokens are in outputTokens
	return &providers.ChatResponse{
		ID:      "chatcmpl-" + id,
		Object:  "chat.completion",
		Created: created,
		Model:   model,
		Choices: []providers.Choice{{Index: 0, Message: msg, FinishReason: finishReason(w.StopReason)}},
		Usage:   w.Usage.unified(),
	}, nil
}

// finishReason maps Converse's stopReason to OpenAI's finish_reason.
func finishReason(stop string) string {
	switch stop {
	case "max_tokens", "model_context_window_exceeded":
		return providers.FinishLength
	case "tool_use":
		return providers.FinishToolCalls
	case "guardrail_intervened", "content_filtered":
		return providers.FinishContentFilter
	}
	return providers.FinishStop // end_turn, stop_sequence, and reasons added later
}

// unified converts Bedrock's usage to OpenAI's convention: prompt tokens
// include the cache reads and writes, which Bedrock counts apart.
func (u *wireUsage) unified() *providers.Usage {
	if u == nil {
		return nil
	}
	in := sat.Count(u.InputTokens)
	read, write := sat.Count(u.CacheReadInputTokens), sat.Count(u.CacheWriteInputTokens)
	out := &providers.Usage{
		PromptTokens:     sat.AddCounts(in, read, write),
		CompletionTokens: sat.Count(u.OutputTokens),
		CacheWriteTokens: write,
	}
	out.TotalTokens = sat.Add(out.PromptTokens, out.CompletionTokens)
	if read > 0 {
		out.PromptTokensDetails = &providers.PromptTokensDetails{CachedTokens: read}
	}
	return out
}
