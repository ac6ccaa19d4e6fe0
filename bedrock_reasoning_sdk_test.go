package aibackends

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	openaisdk "github.com/openai/openai-go/v3"
	openaiopt "github.com/openai/openai-go/v3/option"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
)

// sentConverseThinking is what Bedrock got: whether Claude's thinking was
// on and, per assistant turn, its block kinds, a reasoning block with its
// signature.
func sentConverseThinking(t *testing.T, body []byte) (thinking bool, turns []string) {
	t.Helper()
	var req struct {
		AdditionalModelRequestFields struct {
			Thinking json.RawMessage `json:"thinking"`
		} `json:"additionalModelRequestFields"`
		Messages []struct {
			Role    string                       `json:"role"`
			Content []map[string]json.RawMessage `json:"content"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		t.Fatal(err)
	}
	for _, m := range req.Messages {
		if m.Role != "assistant" {
			continue
		}
		var kinds []string
		for _, b := range m.Content {
			for k, v := range b {
				if k == "reasoningContent" {
					k += string(v)
				}
				kinds = append(kinds, k)
			}
		}
		turns = append(turns, strings.Join(kinds, ","))
	}
	return len(req.AdditionalModelRequestFields.Thinking) > 0, turns
}

// TestBedrockReasoningToolLoopChatSDK: an OpenAI SDK client that asks for
// reasoning runs a three-turn tool loop with reasoning_effort on against
// Claude on Bedrock's Converse. Each answer carries reasoning_content and
// the signed thinking_blocks; passed back with the assistant message they
// reach Bedrock unchanged, as reasoningContent before the toolUse block,
// so thinking stays on in every turn (the fake refuses a tool turn without
// them, as Bedrock does).
func TestBedrockReasoningToolLoopChatSDK(t *testing.T) {
	const thinking = "Paris first, then again."
	wantBlocks := fmt.Sprintf(`[{"type":"thinking","thinking":%q,"signature":%q}]`, thinking, fakeupstream.BedrockSignature)
	wantSent := fmt.Sprintf(`reasoningContent{"reasoningText":{"text":%q,"signature":%q}},toolUse`, thinking, fakeupstream.BedrockSignature)
	for _, stream := range []bool{false, true} {
		t.Run(fmt.Sprintf("stream=%t", stream), func(t *testing.T) {
			url, rec := newBedrockFake(t, func(c *fakeupstream.BedrockConfig) {
				c.Thinking, c.ToolTurns, c.ToolInput = thinking, 2, `{"city":"Paris"}`
			})
			h := pipeHandler(t, fmt.Sprintf(`{%s,"providers":[%s]}`, pipeFast, bedrockProvider("aws", url)))
			client := openaisdk.NewClient(openaiopt.WithBaseURL(pipeServe(t, h)+"/v1"), openaiopt.WithAPIKey("k"),
				openaiopt.WithMaxRetries(0), openaiopt.WithHeader("X-Include-Reasoning", "true"))
			msgs := []openaisdk.ChatCompletionMessageParamUnion{openaisdk.UserMessage("Weather in Paris, twice?")}
			for turn := 1; turn <= 3; turn++ {
				params := reasoningLoopParams(msgs)
				params.Model = "claude"
				if stream {
					params.StreamOptions = openaisdk.ChatCompletionStreamOptionsParam{IncludeUsage: openaisdk.Bool(true)}
				}
				msg, reasoning, blocks, usage := reasoningTurn(t, client, params, stream)
				if reasoning != thinking || blocks != wantBlocks {
					t.Fatalf("turn %d: reasoning_content %q, thinking_blocks %s, want %s", turn, reasoning, blocks, wantBlocks)
				}
				// Reasoning counts in the output tokens: 7 plus its 4 words.
				if usage.CompletionTokens != 11 {
					t.Errorf("turn %d: completion tokens %d, want 11", turn, usage.CompletionTokens)
				}
				on, turns := sentConverseThinking(t, rec.Last().Body)
				if !on || len(turns) != turn-1 {
					t.Fatalf("turn %d: upstream thinking %t, assistant turns %q", turn, on, turns)
				}
				for _, got := range turns {
					if got != wantSent {
						t.Fatalf("turn %d: an assistant turn went up as %s, want %s", turn, got, wantSent)
					}
				}
				if turn < 3 {
					msgs = passBackToolTurn(t, turn, msg, blocks, msgs)
				} else if len(msg.ToolCalls) != 0 || msg.Content != `The tool said: {"temp_c":18}` {
					t.Fatalf("turn 3: %q and tool calls %+v, want the answer", msg.Content, msg.ToolCalls)
				}
			}
			if rec.Count() != 3 {
				t.Errorf("upstream requests %d, want 3", rec.Count())
			}
		})
	}
}

// TestBedrockReasoningToolTurnWithoutBlocks: a plain client's tool turn,
// which cannot carry the reasoning back, goes to Bedrock with thinking off
// instead of failing with Claude's "Expected `thinking`" refusal; the
// plain client sees no reasoning fields.
func TestBedrockReasoningToolTurnWithoutBlocks(t *testing.T) {
	url, rec := newBedrockFake(t, nil)
	h := pipeHandler(t, fmt.Sprintf(`{%s,"providers":[%s]}`, pipeFast, bedrockProvider("aws", url)))
	client := openaisdk.NewClient(openaiopt.WithBaseURL(pipeServe(t, h)+"/v1"), openaiopt.WithAPIKey("k"), openaiopt.WithMaxRetries(0))
	msgs := []openaisdk.ChatCompletionMessageParamUnion{openaisdk.UserMessage("Weather in Paris?")}
	params := reasoningLoopParams(msgs)
	params.Model, params.ReasoningEffort = "claude", "high"
	resp, err := client.Chat.Completions.New(t.Context(), params)
	if err != nil {
		t.Fatal(err)
	}
	m := resp.Choices[0].Message
	if strings.Contains(m.RawJSON(), "reasoning_content") || strings.Contains(m.RawJSON(), "thinking_blocks") {
		t.Fatalf("a plain client got reasoning fields: %s", m.RawJSON())
	}
	params.Messages = append(msgs, m.ToParam(), openaisdk.ToolMessage(`{"temp_c":18}`, m.ToolCalls[0].ID))
	if _, err := client.Chat.Completions.New(t.Context(), params); err != nil {
		t.Fatalf("tool turn: %v", err)
	}
	if on, _ := sentConverseThinking(t, rec.Last().Body); on {
		t.Error("the tool turn without its reasoning went up with thinking on")
	}
}
