package aibackends

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	anthropicsdk "github.com/anthropics/anthropic-sdk-go"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/internal/sdktest"
)

// secretThinkingTurn is a tool-use answer whose thinking holds a credential.
var secretThinkingTurn = fakeupstream.AnthropicOptions{Thinking: "The key is AKIAIOSFODNN7EXAMPLE, so call it.", Text: "Checking.",
	ToolUses: []fakeupstream.AnthropicToolUse{{ID: "toolu_1", Name: "get_weather", Input: `{"city":"Paris"}`}}}

// TestMessagesRelayRedactsThinking: with redact_responses, a secret in the
// thinking of a relayed Anthropic answer is redacted, streamed (the
// thinking_delta is rewritten) and not, and the block's Anthropic signature,
// which covers the original text, is replaced by the gateway's "none" mark.
func TestMessagesRelayRedactsThinking(t *testing.T) {
	h, _, _ := messagesHandler(t, secretThinkingTurn, `,"security":{"redact_responses":true}`)
	for _, stream := range []bool{true, false} {
		w := pipeDo(t, h, "POST", "/v1/messages", messagesBody("claude", stream, `"thinking":{"type":"enabled","budget_tokens":1024},`))
		body := w.Body.String()
		if w.Code != http.StatusOK || strings.Contains(body, "AKIA") || strings.Contains(body, "sig_fake") ||
			!strings.Contains(body, "The key is [REDACTED:secret], so call it.") || !strings.Contains(body, "sira-thought-v1.none") {
			t.Fatalf("stream=%t: %d %s", stream, w.Code, body)
		}
		if stream && !strings.Contains(body, `"delta":{"type":"thinking_delta","thinking":"The key is [REDACTED:secret], so call it."}`) {
			t.Errorf("thinking_delta not rewritten: %s", body)
		}
	}
}

// TestMessagesRelayRedactedThinkingToolLoop: the SDK gives the redacted
// block back as it got it; the gateway removes it before Anthropic (which
// refuses an altered block) and turns thinking off for that tool turn, so
// the loop goes on instead of failing with a 400.
func TestMessagesRelayRedactedThinkingToolLoop(t *testing.T) {
	for _, stream := range []bool{false, true} {
		t.Run(fmt.Sprintf("stream=%t", stream), func(t *testing.T) {
			h, ant, _ := messagesHandler(t, secretThinkingTurn, `,"security":{"redact_responses":true}`)
			client := sdktest.AnthropicClient(pipeServe(t, h), "k")
			msgs := []anthropicsdk.MessageParam{anthropicsdk.NewUserMessage(anthropicsdk.NewTextBlock("Weather in Paris?"))}
			msg := messagesTurn(t, client, thinkingParams("claude", 1024, msgs), stream)
			c := msg.Content
			if len(c) != 3 || c[0].Signature != "sira-thought-v1.none" || strings.Contains(c[0].Thinking, "AKIA") || c[2].Type != "tool_use" {
				t.Fatalf("turn 1: %s", msg.RawJSON())
			}
			msgs = append(msgs, msg.ToParam(), anthropicsdk.NewUserMessage(anthropicsdk.NewToolResultBlock(c[2].ID, `{"temp_c":18}`, false)))
			messagesTurn(t, client, thinkingParams("claude", 1024, msgs), stream)
			thinking, turns := sentThinking(t, ant.Last().Body)
			if thinking != "disabled" || len(turns) != 1 || turns[0] != "text,tool_use" {
				t.Fatalf("Anthropic got thinking %q, assistant turns %q", thinking, turns)
			}
		})
	}
}

// TestGeminiRelayThoughtSecret: the same filter on a relayed Gemini stream:
// an event whose thought holds a secret is rebuilt from its filtered
// content (the Gemini dialect writes no thought parts), not relayed as it
// came.
func TestGeminiRelayThoughtSecret(t *testing.T) {
	gem, _ := fakeupstream.NewGemini(fakeupstream.GeminiOptions{Thought: "key AKIAIOSFODNN7EXAMPLE", Chunks: []string{"done"}})
	t.Cleanup(gem.Close)
	h := pipeHandler(t, fmt.Sprintf(`{%s,"security":{"redact_responses":true},"providers":[
		{"type":"google","name":"gem","base_url":%q,"api_keys":[{"value":"k"}],"models":["gem"],"max_retries":0}]}`,
		pipeFast, gem.URL+"/v1beta"))
	for _, path := range []string{"/v1beta/models/gem:streamGenerateContent?alt=sse", "/v1beta/models/gem:generateContent"} {
		w := pipeDo(t, h, "POST", path, geminiHello)
		if body := w.Body.String(); w.Code != 200 || strings.Contains(body, "AKIA") || !strings.Contains(body, "done") {
			t.Errorf("%s: %d %s", path, w.Code, body)
		}
	}
}
