package bedrock

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/internal/providertest"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

func TestFromConverseReasoning(t *testing.T) {
	body := `{"output":{"message":{"role":"assistant","content":[
		{"reasoningContent":{"reasoningText":{"text":"First, ","signature":"sig1"}}},
		{"reasoningContent":{"redactedContent":"UkVEQUNURUQ="}},
		{"reasoningContent":{"reasoningText":{"text":"then.","signature":"sig2"}}},
		{"text":"Checking."},
		{"toolUse":{"toolUseId":"t1","name":"f","input":{}}}]}},
		"stopReason":"tool_use","usage":{"inputTokens":3,"outputTokens":9,"totalTokens":12}}`
	resp, err := fromConverse([]byte(body), "id", "m", 0)
	if err != nil {
		t.Fatal(err)
	}
	m := resp.Choices[0].Message
	got, _ := json.Marshal(m.ThinkingBlocks)
	want := `[{"type":"thinking","thinking":"First, ","signature":"sig1"},{"type":"redacted_thinking","data":"UkVEQUNURUQ="},{"type":"thinking","thinking":"then.","signature":"sig2"}]`
	if string(got) != want {
		t.Errorf("thinking blocks %s\nwant %s", got, want)
	}
	if m.ReasoningContent != "First, then." || m.Content.String() != "Checking." || len(m.ToolCalls) != 1 || resp.Usage.CompletionTokens != 9 {
		t.Errorf("message %+v usage %+v", m, resp.Usage)
	}
}

// reasoningStream is a ConverseStream answer with a signed reasoning
// block, a redacted one and text, as Claude on Bedrock sends them.
var reasoningStream = [][2]string{
	{"messageStart", `{"role":"assistant"}`},
	{"contentBlockDelta", `{"contentBlockIndex":0,"delta":{"reasoningContent":{"text":"Let me "}}}`},
	{"contentBlockDelta", `{"contentBlockIndex":0,"delta":{"reasoningContent":{"text":"think."}}}`},
	{"contentBlockDelta", `{"contentBlockIndex":0,"delta":{"reasoningContent":{"signature":"sig"}}}`},
	{"contentBlockStop", `{"contentBlockIndex":0}`},
	{"contentBlockDelta", `{"contentBlockIndex":1,"delta":{"reasoningContent":{"redactedContent":"UkVE"}}}`},
	{"contentBlockStop", `{"contentBlockIndex":1}`},
	{"contentBlockDelta", `{"contentBlockIndex":2,"delta":{"text":"Hi"}}`},
	{"contentBlockStop", `{"contentBlockIndex":2}`},
	{"messageStop", `{"stopReason":"end_turn"}`},
}

func TestStreamReasoning(t *testing.T) {
	tr := newStreamTranslator("id", "m", 0)
	var reasoning, text strings.Builder
	var blocks []providers.ThinkingBlock
	for _, ev := range reasoningStream {
		chunks, err := tr.translate(ev[0], []byte(ev[1]))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range chunks {
			d := c.Choices[0].Delta
			if d.ReasoningContent != nil {
				reasoning.WriteString(*d.ReasoningContent)
			}
			if d.Content != nil {
				text.WriteString(*d.Content)
			}
			blocks = append(blocks, d.ThinkingBlocks...)
		}
	}
	got, _ := json.Marshal(blocks)
	want := `[{"type":"thinking","thinking":"Let me think.","signature":"sig"},{"type":"redacted_thinking","data":"UkVE"}]`
	if string(got) != want || reasoning.String() != "Let me think." || text.String() != "Hi" {
		t.Errorf("blocks %s, reasoning %q, text %q; want blocks %s", got, reasoning.String(), text.String(), want)
	}
}

// toolTurn is a conversation whose last assistant turn called a tool,
// carrying thinking_blocks when blocks is not empty.
func toolTurn(blocks string) string {
	tb := ""
	if blocks != "" {
		tb = `,"thinking_blocks":` + blocks
	}
	return `{"reasoning_effort":"low","tools":[{"type":"function","function":{"name":"f"}}],"messages":[
		{"role":"user","content":"x"},
		{"role":"assistant","content":"Checking.","tool_calls":[{"id":"t1","type":"function","function":{"name":"f","arguments":"{}"}}]` + tb + `},
		{"role":"tool","tool_call_id":"t1","content":"ok"}]}`
}

func TestToConverseGivesReasoningBack(t *testing.T) {
	blocks := `[{"type":"thinking","thinking":"Hmm.","signature":"sig"},{"type":"redacted_thinking","data":"UkVE"}]`
	got, err := converseJSON(t, toolTurn(blocks), testClaude)
	if err != nil {
		t.Fatal(err)
	}
	var w converseRequest
	_ = json.Unmarshal([]byte(got), &w)
	turn, _ := json.Marshal(w.Messages[1])
	want := `{"role":"assistant","content":[{"reasoningContent":{"reasoningText":{"text":"Hmm.","signature":"sig"}}},{"reasoningContent":{"redactedContent":"UkVE"}},{"text":"Checking."},{"toolUse":{"toolUseId":"t1","name":"f","input":{}}}]}`
	if string(turn) != want {
		t.Errorf("assistant turn %s\nwant %s", turn, want)
	}
	if w.AdditionalModelRequestFields["thinking"] == nil {
		t.Errorf("thinking off for a tool turn that gave its reasoning back: %s", got)
	}

	// Without its blocks the tool turn goes with thinking off, and a
	// model other than Claude never gets Claude's signatures.
	for _, tc := range []struct{ blocks, model string }{{"", testClaude}, {blocks, testNova}} {
		got, err := converseJSON(t, toolTurn(tc.blocks), tc.model)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(got, "reasoningContent") || strings.Contains(got, `"thinking"`) {
			t.Errorf("%s: %s", tc.model, got)
		}
	}
}

// TestReasoningLoopAgainstFake: Claude's answers carry their reasoning,
// plain and streamed, and given back they let the next tool turn think
// (the fake refuses the turn with thinking on and no reasoning block).
func TestReasoningLoopAgainstFake(t *testing.T) {
	srv, rec := fakeBedrock(t, func(c *fakeupstream.BedrockConfig) { c.ToolTurns = 2 })
	b := newBedrock(t, srv, nil)
	ctx := context.Background()
	resp, err := b.Chat(ctx, target(testClaude), chatRequest(t, `{"reasoning_effort":"low","tools":[{"type":"function","function":{"name":"f"}}],"messages":[{"role":"user","content":"x"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	m := resp.Choices[0].Message
	if m.ReasoningContent != fakeupstream.DefaultBedrockThinking || len(m.ThinkingBlocks) != 1 || m.ThinkingBlocks[0].Signature != fakeupstream.BedrockSignature {
		t.Fatalf("answer %+v", m)
	}
	blocks, _ := json.Marshal(m.ThinkingBlocks)
	s, err := b.ChatStream(ctx, target(testClaude), chatRequest(t, toolTurn(string(blocks))))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var streamed []providers.ThinkingBlock
	var reasoning string
	for c := range providertest.Chunks(t, s) {
		for _, ch := range c.Choices {
			if ch.Delta.ReasoningContent != nil {
				reasoning += *ch.Delta.ReasoningContent
			}
			streamed = append(streamed, ch.Delta.ThinkingBlocks...)
		}
	}
	if reasoning != fakeupstream.DefaultBedrockThinking || len(streamed) != 1 || streamed[0] != m.ThinkingBlocks[0] {
		t.Errorf("streamed reasoning %q, blocks %+v", reasoning, streamed)
	}
	if !strings.Contains(string(rec.Last().Body), `"thinking":{"budget_tokens"`) {
		t.Errorf("the tool turn went without thinking: %s", rec.Last().Body)
	}
}
