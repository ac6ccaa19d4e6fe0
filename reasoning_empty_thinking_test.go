package aibackends

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	openaisdk "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/responses"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
)

// omittedThinkingServer is the handler in front of an Anthropic fake that
// thinks with display "omitted": its thinking block has empty text and a
// signature, and it refuses the block back without its thinking field
// (or altered), as Anthropic does.
func omittedThinkingServer(t *testing.T) (*Handler, *fakeupstream.Recorder) {
	t.Helper()
	ant, rec := fakeupstream.NewAnthropic(fakeupstream.AnthropicOptions{
		ThinkingOmitted: true, Text: "Checking.", ToolTurns: 1,
		ToolUses: []fakeupstream.AnthropicToolUse{{ID: "toolu_w", Name: "get_weather", Input: `{"city":"Paris"}`}},
	})
	t.Cleanup(ant.Close)
	h := pipeHandler(t, fmt.Sprintf(`{%s,"providers":[
		{"type":"anthropic","name":"ant","base_url":%q,"api_keys":[{"value":"k"}],"models":["claude-sonnet-4-5"],"max_retries":0}]}`,
		pipeFast, ant.URL))
	return h, rec
}

// emptyThinkingBlocks is the thinking_blocks of an omitted-thinking answer.
const emptyThinkingBlocks = `[{"type":"thinking","thinking":"","signature":"sig_fake"}]`

// TestEmptyThinkingRoundTripOpenAIChat: an OpenAI chat client that passes
// the assistant message back unchanged brings a thinking block with empty
// text back to Anthropic exactly, its empty thinking field present (the
// fake refuses it otherwise, as Anthropic does), and thinking stays on
// for the tool turn.
func TestEmptyThinkingRoundTripOpenAIChat(t *testing.T) {
	h, rec := omittedThinkingServer(t)
	tools := `"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]`
	first := `{"role":"user","content":"Weather in Paris?"}`
	body := func(msgs ...string) string {
		return `{"model":"claude-sonnet-4-5","reasoning_effort":"low","max_tokens":400,` + tools + `,"messages":[` + strings.Join(msgs, ",") + `]}`
	}
	w := pipeDo(t, h, "POST", "/v1/chat/completions", body(first), "X-Include-Reasoning", "true")
	if w.Code != http.StatusOK {
		t.Fatalf("turn 1: %d %s", w.Code, w.Body)
	}
	var resp struct {
		Choices []struct {
			Message json.RawMessage `json:"message"`
		} `json:"choices"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
		t.Fatal(err)
	}
	msg := resp.Choices[0].Message
	var fields struct {
		ThinkingBlocks json.RawMessage `json:"thinking_blocks"`
		ToolCalls      []struct {
			ID string `json:"id"`
		} `json:"tool_calls"`
	}
	if err := json.Unmarshal(msg, &fields); err != nil || string(fields.ThinkingBlocks) != emptyThinkingBlocks || len(fields.ToolCalls) != 1 {
		t.Fatalf("turn 1 message %s, want thinking_blocks %s and a tool call", msg, emptyThinkingBlocks)
	}
	result := fmt.Sprintf(`{"role":"tool","tool_call_id":%q,"content":"{\"temp_c\":18}"}`, fields.ToolCalls[0].ID)
	w = pipeDo(t, h, "POST", "/v1/chat/completions", body(first, string(msg), result), "X-Include-Reasoning", "true")
	if w.Code != http.StatusOK {
		t.Fatalf("turn 2: %d %s", w.Code, w.Body)
	}
	if thinking, turns := sentThinking(t, rec.Last().Body); thinking != "enabled" || len(turns) != 1 || turns[0] != "thinkingsig_fake,text,tool_use" ||
		!strings.Contains(string(rec.Last().Body), `{"type":"thinking","thinking":"","signature":"sig_fake"}`) {
		t.Fatalf("turn 2 went up with thinking %q, turns %q: %s", thinking, turns, rec.Last().Body)
	}
}

// TestEmptyThinkingRoundTripOpenAIChatSDK: the same through the official
// SDK, streamed and not: the empty block comes whole in the stream and
// goes back with the assistant message's thinking_blocks.
func TestEmptyThinkingRoundTripOpenAIChatSDK(t *testing.T) {
	for _, stream := range []bool{false, true} {
		t.Run(fmt.Sprintf("stream=%t", stream), func(t *testing.T) {
			h, rec := omittedThinkingServer(t)
			client := reasoningClient(pipeServe(t, h) + "/v1")
			msgs := []openaisdk.ChatCompletionMessageParamUnion{openaisdk.UserMessage("Weather in Paris?")}
			msg, reasoning, blocks, _ := reasoningTurn(t, client, reasoningLoopParams(msgs), stream)
			if reasoning != "" || blocks != emptyThinkingBlocks || len(msg.ToolCalls) != 1 {
				t.Fatalf("turn 1: reasoning %q, thinking_blocks %s, tool calls %+v", reasoning, blocks, msg.ToolCalls)
			}
			asst := msg.ToAssistantMessageParam()
			asst.SetExtraFields(map[string]any{"thinking_blocks": json.RawMessage(blocks)})
			msgs = append(msgs, openaisdk.ChatCompletionMessageParamUnion{OfAssistant: &asst},
				openaisdk.ToolMessage(`{"temp_c":18}`, msg.ToolCalls[0].ID))
			if msg, _, _, _ = reasoningTurn(t, client, reasoningLoopParams(msgs), stream); msg.Content != "Checking." {
				t.Fatalf("turn 2: %+v", msg)
			}
			if thinking, turns := sentThinking(t, rec.Last().Body); thinking != "enabled" || len(turns) != 1 || turns[0] != "thinkingsig_fake,text,tool_use" {
				t.Fatalf("turn 2 went up with thinking %q, turns %q", thinking, turns)
			}
		})
	}
}

// TestEmptyThinkingRoundTripResponsesSDK: a stateless Responses client
// gets the empty signed block in the reasoning item's encrypted_content
// (its summary empty) and, passing the output back, brings it to
// Anthropic exactly, streamed or not.
func TestEmptyThinkingRoundTripResponsesSDK(t *testing.T) {
	h, rec := omittedThinkingServer(t)
	client := sdkClient(pipeServe(t, h)+"/v1", "k")
	for _, stream := range []bool{false, true} {
		input := responses.ResponseInputParam{responses.ResponseInputItemParamOfMessage("Weather?", responses.EasyInputMessageRoleUser)}
		resp, _ := responsesTurn(t, client, reasoningResponsesParams(input), stream)
		if rs := resp.Output[0].AsReasoning(); rs.Type != "reasoning" || len(rs.Summary) != 0 || rs.EncryptedContent == "" {
			t.Fatalf("stream=%t: output %s, want a reasoning item with encrypted_content and no summary", stream, resp.RawJSON())
		}
		input, call := passBack(input, resp)
		if call == nil {
			t.Fatalf("stream=%t: no function call in %s", stream, resp.RawJSON())
		}
		if resp, _ = responsesTurn(t, client, reasoningResponsesParams(append(input, toolOutput(call.CallID))), stream); resp.OutputText() != "Checking." {
			t.Fatalf("stream=%t: turn 2 %s", stream, resp.RawJSON())
		}
		if !strings.Contains(string(rec.Last().Body), `"content":[{"type":"thinking","thinking":"","signature":"sig_fake"},{"type":"text"`) {
			t.Fatalf("stream=%t: turn 2 went up as %s", stream, rec.Last().Body)
		}
	}
}
