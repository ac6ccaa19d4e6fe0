package aibackends

import (
	"fmt"
	"testing"

	anthropicsdk "github.com/anthropics/anthropic-sdk-go"
	anthropicopt "github.com/anthropics/anthropic-sdk-go/option"
)

// TestReasoningToolLoopMessagesSDK: the official Anthropic Go SDK runs a
// three-turn tool loop with extended thinking through /v1/messages,
// passing each answer back with Message.ToParam, streamed (accumulated)
// and not. The thinking block and its signature reach Anthropic unchanged
// before the tool_use every turn (the fake refuses the turn otherwise).
func TestReasoningToolLoopMessagesSDK(t *testing.T) {
	for _, stream := range []bool{false, true} {
		t.Run(fmt.Sprintf("stream=%t", stream), func(t *testing.T) {
			url, rec := reasoningLoopServer(t)
			client := anthropicsdk.NewClient(anthropicopt.WithBaseURL(url[:len(url)-len("/v1")]), anthropicopt.WithAPIKey("k"), anthropicopt.WithMaxRetries(0))
			msgs := []anthropicsdk.MessageParam{anthropicsdk.NewUserMessage(anthropicsdk.NewTextBlock("Weather in Paris, twice?"))}
			for turn := 1; turn <= 3; turn++ {
				params := anthropicsdk.MessageNewParams{
					Model: "claude-sonnet-4-5", MaxTokens: 4096, Messages: msgs,
					Thinking: anthropicsdk.ThinkingConfigParamOfEnabled(2048),
					Tools: []anthropicsdk.ToolUnionParam{anthropicsdk.ToolUnionParamOfTool(
						anthropicsdk.ToolInputSchemaParam{Properties: map[string]any{}}, "get_weather")},
				}
				msg := messagesTurn(t, client, params, stream)
				if len(msg.Content) == 0 || msg.Content[0].Type != "thinking" || msg.Content[0].Signature != "sig_fake" {
					t.Fatalf("turn %d: content %+v", turn, msg.Content)
				}
				assertSignedTurns(t, rec.Last().Body, turn)
				last := msg.Content[len(msg.Content)-1]
				if turn == 3 {
					if last.Type != "text" || msg.StopReason != "end_turn" {
						t.Fatalf("turn 3: %+v, want the answer", msg.Content)
					}
					break
				}
				if last.Type != "tool_use" {
					t.Fatalf("turn %d: last block %q", turn, last.Type)
				}
				msgs = append(msgs, msg.ToParam(), anthropicsdk.NewUserMessage(anthropicsdk.NewToolResultBlock(last.ID, `{"temp_c":18}`, false)))
			}
		})
	}
}
