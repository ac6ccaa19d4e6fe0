package aibackends

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	anthropicsdk "github.com/anthropics/anthropic-sdk-go"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/internal/sdktest"
)

// translatedThinkingServer serves, through the gateway, "gemini-3-pro-preview"
// from a Gemini 3 fake that thinks aloud and refuses a function call
// without its thought signature, "deepseek-reasoner" from an
// OpenAI-compatible fake that sends reasoning_content and wants it back on
// tool turns (DeepSeek's rule), and "claude-sonnet-4-5" from the Anthropic
// fake, which refuses thinking blocks it did not sign.
func translatedThinkingServer(t *testing.T) (client anthropicsdk.Client, gem, compat, ant *fakeupstream.Recorder) {
	t.Helper()
	g, gem := fakeupstream.NewGemini(fakeupstream.GeminiOptions{
		Thought: "Look it up.", RequireSignatures: true, Usage: fakeupstream.GeminiUsage{Prompt: 10, Candidates: 5, Thoughts: 40},
		FunctionCalls: []fakeupstream.GeminiFunctionCall{{Name: "get_weather", Args: `{"city":"Paris"}`, ThoughtSignature: "c2lnLWdlbWluaQ=="}},
	})
	t.Cleanup(g.Close)
	c, compat := fakeupstream.NewReasoningCompat(fakeupstream.ReasoningCompatOptions{
		Reasoning: "The user wants Paris weather.", Text: "It is 18C.", Tool: "get_weather", ToolTurns: 2,
		RequireReasoningBack: true, ReasoningTokens: 30,
	})
	t.Cleanup(c.Close)
	a, ant := fakeupstream.NewAnthropic(fakeupstream.AnthropicOptions{Thinking: "Claude thinks.", Text: "Checking.",
		ToolUses: []fakeupstream.AnthropicToolUse{{ID: "toolu_w", Name: "get_weather", Input: `{"city":"Paris"}`}}})
	t.Cleanup(a.Close)
	h := pipeHandler(t, fmt.Sprintf(`{%s,"providers":[
		{"type":"google","name":"gem","base_url":%q,"api_keys":[{"value":"k"}],"models":["gemini-3-pro-preview"],"max_retries":0},
		{"type":"openai_compatible","name":"ds","base_url":%q,"models":["deepseek-reasoner"],"max_retries":0},
		{"type":"anthropic","name":"ant","base_url":%q,"api_keys":[{"value":"k"}],"models":["claude-sonnet-4-5"],"max_retries":0}]}`,
		pipeFast, g.URL+"/v1beta", c.URL+"/v1", a.URL))
	client = sdktest.AnthropicClient(pipeServe(t, h), "k")
	return client, gem, compat, ant
}

// thinkingParams is a /v1/messages request with thinking on (when budget
// > 0) and one tool.
func thinkingParams(model string, budget int64, msgs []anthropicsdk.MessageParam) anthropicsdk.MessageNewParams {
	p := anthropicsdk.MessageNewParams{
		Model: anthropicsdk.Model(model), MaxTokens: 4096, Messages: msgs,
		Tools: []anthropicsdk.ToolUnionParam{anthropicsdk.ToolUnionParamOfTool(
			anthropicsdk.ToolInputSchemaParam{Properties: map[string]any{}}, "get_weather")},
	}
	if budget > 0 {
		p.Thinking = anthropicsdk.ThinkingConfigParamOfEnabled(budget)
	}
	return p
}

// messagesTurn runs one request with the SDK, streamed (the SDK's
// accumulator builds the message) or not.
func messagesTurn(t *testing.T, client anthropicsdk.Client, params anthropicsdk.MessageNewParams, stream bool) anthropicsdk.Message {
	t.Helper()
	if !stream {
		m, err := client.Messages.New(context.Background(), params)
		if err != nil {
			t.Fatal(err)
		}
		return *m
	}
	msg, _ := sdktest.AccumulateMessage(t, client.Messages.NewStreaming(context.Background(), params))
	return msg
}

// TestReasoningToolLoopMessagesSDKGemini: the official Anthropic SDK runs a
// three-turn tool loop with thinking on through /v1/messages against
// Gemini 3, passing each answer back with Message.ToParam, streamed and
// not. Every answer starts with a thinking block holding Gemini's thought
// summary, signed with the gateway's "google" mark; the thought signature
// goes back to Gemini in the tool_use id; output_tokens include the
// thoughts. A fourth turn with the same history to Anthropic goes without
// the marked blocks (Anthropic would refuse their signatures) and with
// thinking off, as the last tool turn has no Anthropic thinking block.
func TestReasoningToolLoopMessagesSDKGemini(t *testing.T) {
	for _, stream := range []bool{false, true} {
		t.Run(fmt.Sprintf("stream=%t", stream), func(t *testing.T) {
			client, gem, _, ant := translatedThinkingServer(t)
			msgs := []anthropicsdk.MessageParam{anthropicsdk.NewUserMessage(anthropicsdk.NewTextBlock("Weather in Paris?"))}
			for turn := 1; turn <= 3; turn++ {
				msg := messagesTurn(t, client, thinkingParams("gemini-3-pro-preview", 2048, msgs), stream)
				c := msg.Content
				if len(c) != 2 || c[0].Type != "thinking" || c[0].Thinking != "Look it up." || c[0].Signature != "sira-thought-v1.google" ||
					c[1].Type != "tool_use" || msg.StopReason != "tool_use" || msg.Usage.OutputTokens != 45 {
					t.Fatalf("turn %d: %s", turn, msg.RawJSON())
				}
				sent := string(gem.Last().Body)
				if !strings.Contains(sent, `"includeThoughts":true`) || strings.Contains(sent, "Look it up.") ||
					turn > 1 && !strings.Contains(sent, `"thoughtSignature":"c2lnLWdlbWluaQ=="`) {
					t.Fatalf("turn %d: Gemini got %s", turn, sent)
				}
				msgs = append(msgs, msg.ToParam(), anthropicsdk.NewUserMessage(anthropicsdk.NewToolResultBlock(c[1].ID, `{"temp_c":18}`, false)))
			}
			msg := messagesTurn(t, client, thinkingParams("claude-sonnet-4-5", 2048, msgs), stream)
			if len(msg.Content) == 0 || msg.Content[0].Signature != "sig_fake" {
				t.Fatalf("Anthropic turn: %s", msg.RawJSON())
			}
			thinking, turns := sentThinking(t, ant.Last().Body)
			if thinking != "disabled" || len(turns) != 3 || strings.Contains(string(ant.Last().Body), "sira-thought") {
				t.Fatalf("Anthropic got thinking %q, assistant turns %q: %s", thinking, turns, ant.Last().Body)
			}
		})
	}
}

// TestReasoningToolLoopMessagesSDKCompat: the same loop against an
// OpenAI-compatible server that sends reasoning_content and refuses a tool
// turn whose reasoning_content is not given back (DeepSeek's rule): the
// thinking blocks carry the "openai" mark, and their text goes back as
// reasoning_content. output_tokens include the reasoning tokens once. A
// client that does not enable thinking gets no thinking block.
func TestReasoningToolLoopMessagesSDKCompat(t *testing.T) {
	for _, stream := range []bool{false, true} {
		t.Run(fmt.Sprintf("stream=%t", stream), func(t *testing.T) {
			client, _, compat, _ := translatedThinkingServer(t)
			msgs := []anthropicsdk.MessageParam{anthropicsdk.NewUserMessage(anthropicsdk.NewTextBlock("Weather in Paris?"))}
			for turn := 1; turn <= 3; turn++ {
				msg := messagesTurn(t, client, thinkingParams("deepseek-reasoner", 2048, msgs), stream)
				c := msg.Content
				if len(c) < 2 || c[0].Type != "thinking" || c[0].Thinking != "The user wants Paris weather." ||
					c[0].Signature != "sira-thought-v1.openai" || msg.Usage.OutputTokens != 35 {
					t.Fatalf("turn %d: %s", turn, msg.RawJSON())
				}
				var sent struct {
					Messages []struct {
						Role             string `json:"role"`
						ReasoningContent string `json:"reasoning_content"`
					} `json:"messages"`
				}
				if err := json.Unmarshal(compat.Last().Body, &sent); err != nil {
					t.Fatal(err)
				}
				back := 0
				for _, m := range sent.Messages {
					if m.Role == "assistant" && m.ReasoningContent == "The user wants Paris weather." {
						back++
					}
				}
				if back != turn-1 {
					t.Fatalf("turn %d: %d assistant turns gave their reasoning back: %s", turn, back, compat.Last().Body)
				}
				last := c[len(c)-1]
				if turn == 3 {
					if last.Type != "text" || last.Text != "It is 18C." || msg.StopReason != "end_turn" {
						t.Fatalf("turn 3: %s", msg.RawJSON())
					}
					break
				}
				if last.Type != "tool_use" {
					t.Fatalf("turn %d: %s", turn, msg.RawJSON())
				}
				msgs = append(msgs, msg.ToParam(), anthropicsdk.NewUserMessage(anthropicsdk.NewToolResultBlock(last.ID, `{"temp_c":18}`, false)))
			}
			plain := messagesTurn(t, client, thinkingParams("deepseek-reasoner", 0, msgs[:1]), stream)
			if strings.Contains(plain.RawJSON(), "thinking") {
				t.Fatalf("a client without thinking got %s", plain.RawJSON())
			}
		})
	}
}

// TestMessagesStreamThinkingOrderGemini: a translated stream with thinking
// follows Anthropic's event order exactly.
func TestMessagesStreamThinkingOrderGemini(t *testing.T) {
	gem, _ := fakeupstream.NewGemini(fakeupstream.GeminiOptions{Thought: "Look it up.", Chunks: []string{"Sunny ", "and 18C."}})
	t.Cleanup(gem.Close)
	h := pipeHandler(t, fmt.Sprintf(`{%s,"providers":[
		{"type":"google","name":"gem","base_url":%q,"api_keys":[{"value":"k"}],"models":["gemini-2.5-flash"],"max_retries":0}]}`,
		pipeFast, gem.URL+"/v1beta"))
	w := pipeDo(t, h, "POST", "/v1/messages", messagesBody("gemini-2.5-flash", true, `"thinking":{"type":"enabled","budget_tokens":1024},`))
	if w.Code != http.StatusOK {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	names, data := sseEvents(t, w.Body.String())
	var got []string
	for i, name := range names {
		var ev struct {
			Index        int                   `json:"index"`
			ContentBlock map[string]any        `json:"content_block"`
			Delta        struct{ Type string } `json:"delta"`
		}
		if err := json.Unmarshal([]byte(data[i]), &ev); err != nil {
			t.Fatal(err)
		}
		switch name {
		case "content_block_start":
			name += fmt.Sprintf("(%d %v)", ev.Index, ev.ContentBlock)
		case "content_block_delta":
			name += fmt.Sprintf("(%d %s)", ev.Index, ev.Delta.Type)
		case "content_block_stop":
			name += fmt.Sprintf("(%d)", ev.Index)
		}
		got = append(got, name)
	}
	want := []string{"message_start", "ping",
		"content_block_start(0 map[signature: thinking: type:thinking])", "content_block_delta(0 thinking_delta)",
		"content_block_delta(0 signature_delta)", "content_block_stop(0)",
		"content_block_start(1 map[text: type:text])", "content_block_delta(1 text_delta)", "content_block_delta(1 text_delta)",
		"content_block_stop(1)", "message_delta", "message_stop"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("events:\n%s\nwant:\n%s\nbody:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"), w.Body)
	}
	if !strings.Contains(w.Body.String(), `"delta":{"type":"signature_delta","signature":"sira-thought-v1.google"}`) {
		t.Errorf("signature: %s", w.Body)
	}
}
