package aibackends

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	openaisdk "github.com/openai/openai-go/v3"
	openaiopt "github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/shared"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
)

// reasoningLoopServer serves the handler over loopback in front of an
// Anthropic fake that thinks and calls a tool twice, then answers (it
// enforces Anthropic's thinking rules on the history).
func reasoningLoopServer(t *testing.T) (url string, rec *fakeupstream.Recorder) {
	t.Helper()
	ant, rec := fakeupstream.NewAnthropic(fakeupstream.AnthropicOptions{
		Thinking: "I should look it up.", Text: "Checking.", ToolTurns: 2,
		ToolUses: []fakeupstream.AnthropicToolUse{{ID: "toolu_w", Name: "get_weather", Input: `{"city":"Paris"}`}},
	})
	t.Cleanup(ant.Close)
	h := pipeHandler(t, fmt.Sprintf(`{%s,"providers":[
		{"type":"anthropic","name":"ant","base_url":%q,"api_keys":[{"value":"k"}],"models":["claude-sonnet-4-5"],"max_retries":0}]}`,
		pipeFast, ant.URL))
	return pipeServe(t, h) + "/v1", rec
}

// reasoningClient is the OpenAI SDK on url (the gateway's /v1) as a client
// that asks for the reasoning fields (X-Include-Reasoning).
func reasoningClient(url string) openaisdk.Client {
	return openaisdk.NewClient(openaiopt.WithBaseURL(url), openaiopt.WithAPIKey("k"), openaiopt.WithMaxRetries(0),
		openaiopt.WithHeader("X-Include-Reasoning", "true"))
}

func reasoningLoopParams(msgs []openaisdk.ChatCompletionMessageParamUnion) openaisdk.ChatCompletionNewParams {
	return openaisdk.ChatCompletionNewParams{
		Model:           "claude-sonnet-4-5",
		ReasoningEffort: shared.ReasoningEffortLow,
		MaxTokens:       openaisdk.Int(400),
		Messages:        msgs,
		Tools: []openaisdk.ChatCompletionToolUnionParam{openaisdk.ChatCompletionFunctionTool(shared.FunctionDefinitionParam{
			Name: "get_weather", Parameters: shared.FunctionParameters{"type": "object"},
		})},
	}
}

// assertSignedTurns fails unless the Anthropic upstream's request of a tool
// loop's turn (body) enabled thinking and gave back each of the turn-1
// earlier assistant turns whole: the signed thinking block, text, tool_use.
func assertSignedTurns(t *testing.T, body []byte, turn int) {
	t.Helper()
	thinking, turns := sentThinking(t, body)
	if thinking != "enabled" || len(turns) != turn-1 {
		t.Fatalf("turn %d: upstream thinking %q, assistant turns %q", turn, thinking, turns)
	}
	for _, got := range turns {
		if got != "thinkingsig_fake,text,tool_use" {
			t.Fatalf("turn %d: an assistant turn went up as %q", turn, got)
		}
	}
}

// sentThinking is what the upstream got: the thinking setting and, per
// assistant turn, its block types with each thinking block's signature.
func sentThinking(t *testing.T, body []byte) (thinking string, turns []string) {
	t.Helper()
	var req struct {
		Thinking *struct {
			Type string `json:"type"`
		} `json:"thinking"`
		Messages []struct {
			Role    string          `json:"role"`
			Content json.RawMessage `json:"content"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		t.Fatal(err)
	}
	if req.Thinking != nil {
		thinking = req.Thinking.Type
	}
	for _, m := range req.Messages {
		var blocks []struct {
			Type, Thinking, Signature string
		}
		if m.Role != "assistant" || json.Unmarshal(m.Content, &blocks) != nil {
			continue
		}
		var kinds []string
		for _, b := range blocks {
			kinds = append(kinds, b.Type+b.Signature)
		}
		turns = append(turns, strings.Join(kinds, ","))
	}
	return thinking, turns
}

// TestReasoningToolLoopChatSDK: an OpenAI SDK client that asks for
// reasoning (X-Include-Reasoning) runs a three-turn tool loop with thinking
// on against Anthropic. Each answer carries reasoning_content and the
// signed thinking_blocks; passed back with the assistant message they reach
// Anthropic unchanged before the tool_use block, so thinking stays on in
// every turn (the fake refuses a tool turn without them).
func TestReasoningToolLoopChatSDK(t *testing.T) {
	for _, stream := range []bool{false, true} {
		t.Run(fmt.Sprintf("stream=%t", stream), func(t *testing.T) {
			url, rec := reasoningLoopServer(t)
			client := reasoningClient(url)
			msgs := []openaisdk.ChatCompletionMessageParamUnion{openaisdk.UserMessage("Weather in Paris, twice?")}
			for turn := 1; turn <= 3; turn++ {
				msg, reasoning, blocks, _ := reasoningTurn(t, client, reasoningLoopParams(msgs), stream)
				if reasoning != "I should look it up." {
					t.Fatalf("turn %d: reasoning_content %q", turn, reasoning)
				}
				if want := `[{"type":"thinking","thinking":"I should look it up.","signature":"sig_fake"}]`; blocks != want {
					t.Fatalf("turn %d: thinking_blocks %s, want %s", turn, blocks, want)
				}
				assertSignedTurns(t, rec.Last().Body, turn)
				if turn == 3 {
					if len(msg.ToolCalls) != 0 || msg.Content != "Checking." {
						t.Fatalf("turn 3: %q and tool calls %+v, want the answer", msg.Content, msg.ToolCalls)
					}
					break
				}
				msgs = passBackToolTurn(t, turn, msg, blocks, msgs)
			}
			if rec.Count() != 3 {
				t.Errorf("upstream requests %d, want 3", rec.Count())
			}
		})
	}
}

// passBackToolTurn appends an answer that called one tool as a client
// asking for reasoning passes it back (with its thinking_blocks, which the
// SDK's ToAssistantMessageParam leaves out), and the tool's result.
func passBackToolTurn(t *testing.T, turn int, msg openaisdk.ChatCompletionMessage, blocks string, msgs []openaisdk.ChatCompletionMessageParamUnion) []openaisdk.ChatCompletionMessageParamUnion {
	t.Helper()
	if len(msg.ToolCalls) != 1 {
		t.Fatalf("turn %d: tool calls %+v", turn, msg.ToolCalls)
	}
	asst := msg.ToAssistantMessageParam()
	asst.SetExtraFields(map[string]any{"thinking_blocks": json.RawMessage(blocks)})
	return append(msgs, openaisdk.ChatCompletionMessageParamUnion{OfAssistant: &asst},
		openaisdk.ToolMessage(`{"temp_c":18}`, msg.ToolCalls[0].ID))
}

// reasoningTurn runs one request and returns the assistant message, its
// reasoning_content, its thinking_blocks (JSON) and the usage (streamed,
// present when the request asked for it), streamed or not.
func reasoningTurn(t *testing.T, client openaisdk.Client, params openaisdk.ChatCompletionNewParams, stream bool) (openaisdk.ChatCompletionMessage, string, string, openaisdk.CompletionUsage) {
	t.Helper()
	ctx := context.Background()
	if !stream {
		resp, err := client.Chat.Completions.New(ctx, params)
		if err != nil {
			t.Fatal(err)
		}
		m := resp.Choices[0].Message
		var reasoning string
		_ = json.Unmarshal([]byte(m.JSON.ExtraFields["reasoning_content"].Raw()), &reasoning)
		return m, reasoning, m.JSON.ExtraFields["thinking_blocks"].Raw(), resp.Usage
	}
	s := client.Chat.Completions.NewStreaming(ctx, params)
	var acc openaisdk.ChatCompletionAccumulator
	var reasoning strings.Builder
	var blocks []json.RawMessage
	for s.Next() {
		c := s.Current()
		acc.AddChunk(c)
		if len(c.Choices) == 0 {
			continue
		}
		d := c.Choices[0].Delta.JSON.ExtraFields
		var frag string
		if json.Unmarshal([]byte(d["reasoning_content"].Raw()), &frag) == nil {
			reasoning.WriteString(frag)
		}
		var bs []json.RawMessage
		if json.Unmarshal([]byte(d["thinking_blocks"].Raw()), &bs) == nil {
			blocks = append(blocks, bs...)
		}
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	all, _ := json.Marshal(blocks)
	return acc.Choices[0].Message, reasoning.String(), string(all), acc.Usage
}

// TestReasoningToolLoopWithoutThinkingBlocks: a plain client (no
// X-Include-Reasoning) sees no reasoning fields, and its tool turn, which
// cannot carry the thinking blocks back, goes to Anthropic with thinking
// off instead of failing with Anthropic's "Expected `thinking`" 400.
func TestReasoningToolLoopWithoutThinkingBlocks(t *testing.T) {
	url, rec := reasoningLoopServer(t)
	client := sdkClient(url, "k")
	msgs := []openaisdk.ChatCompletionMessageParamUnion{openaisdk.UserMessage("Weather in Paris?")}
	resp, err := client.Chat.Completions.New(context.Background(), reasoningLoopParams(msgs))
	if err != nil {
		t.Fatal(err)
	}
	m := resp.Choices[0].Message
	if _, ok := m.JSON.ExtraFields["reasoning_content"]; ok || strings.Contains(m.RawJSON(), "thinking_blocks") {
		t.Fatalf("a plain client got reasoning fields: %s", m.RawJSON())
	}
	msgs = append(msgs, m.ToParam(), openaisdk.ToolMessage(`{"temp_c":18}`, m.ToolCalls[0].ID))
	if _, err := client.Chat.Completions.New(context.Background(), reasoningLoopParams(msgs)); err != nil {
		t.Fatalf("tool turn: %v", err)
	}
	if thinking, turns := sentThinking(t, rec.Last().Body); thinking != "" || len(turns) != 1 || turns[0] != "text,tool_use" {
		t.Errorf("tool turn went up with thinking %q, assistant turns %q", thinking, turns)
	}
}

// TestReasoningToolLoopGeminiChatSDK: the same three-turn loop against a
// Gemini 3 fake that refuses a function call without its thought
// signature. The signature rides in the tool-call id, so the SDK's plain
// ToParam is enough; the thought text comes as reasoning_content and
// Gemini is asked for it (includeThoughts) every turn.
func TestReasoningToolLoopGeminiChatSDK(t *testing.T) {
	gem, rec := fakeupstream.NewGemini(fakeupstream.GeminiOptions{
		Thought: "Look it up.", RequireSignatures: true,
		FunctionCalls: []fakeupstream.GeminiFunctionCall{{Name: "get_weather", Args: `{"city":"Paris"}`, ThoughtSignature: "c2lnLWdlbWluaQ=="}},
	})
	t.Cleanup(gem.Close)
	h := pipeHandler(t, fmt.Sprintf(`{%s,"providers":[
		{"type":"google","name":"gem","base_url":%q,"api_keys":[{"value":"k"}],"models":["gemini-3-pro-preview"],"max_retries":0}]}`,
		pipeFast, gem.URL+"/v1beta"))
	client := reasoningClient(pipeServe(t, h) + "/v1")
	msgs := []openaisdk.ChatCompletionMessageParamUnion{openaisdk.UserMessage("Weather in Paris?")}
	for turn := 1; turn <= 3; turn++ {
		params := reasoningLoopParams(msgs)
		params.Model = "gemini-3-pro-preview"
		msg, reasoning, _, _ := reasoningTurn(t, client, params, turn == 2)
		if reasoning != "Look it up." || len(msg.ToolCalls) != 1 {
			t.Fatalf("turn %d: reasoning %q, tool calls %+v", turn, reasoning, msg.ToolCalls)
		}
		if sent := string(rec.Last().Body); !strings.Contains(sent, `"includeThoughts":true`) ||
			turn > 1 && !strings.Contains(sent, `"thoughtSignature":"c2lnLWdlbWluaQ=="`) {
			t.Fatalf("turn %d: Gemini got %s", turn, sent)
		}
		msgs = append(msgs, msg.ToParam(), openaisdk.ToolMessage(`{"temp_c":18}`, msg.ToolCalls[0].ID))
	}
}
