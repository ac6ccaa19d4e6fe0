package fakeupstream

import (
	"strings"
	"testing"
)

// TestBedrockCheckThinking: with thinking on, the fake refuses a tool
// turn that does not start with its reasoning block, and a reasoning
// block that is not the one it issued, in Bedrock's words.
func TestBedrockCheckThinking(t *testing.T) {
	f := &fakeBedrock{}
	const on = `{"additionalModelRequestFields":{"thinking":{"type":"enabled","budget_tokens":1024}},`
	const off = `{`
	signed := `{"reasoningContent":{"reasoningText":{"text":"` + DefaultBedrockThinking + `","signature":"` + BedrockSignature + `"}}},`
	turn := func(first string) string {
		return `"messages":[{"role":"user","content":[{"text":"x"}]},{"role":"assistant","content":[` + first +
			`{"toolUse":{"toolUseId":"t","name":"f","input":{}}}]},{"role":"user","content":[{"toolResult":{"toolUseId":"t","content":[{"text":"ok"}]}}]}]}`
	}
	for _, tc := range []struct{ body, want string }{
		{on + turn(signed), ""},
		{on + turn(`{"reasoningContent":{"redactedContent":"UkVE"}},`), ""},
		{off + turn(""), ""},
		{on + turn(""), "The model returned the following errors: messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`."},
		{on + turn(`{"text":"Checking."},`), "but found `text`"},
		{on + turn(strings.Replace(signed, BedrockSignature, "forged", 1)), "messages.1.content.0: Invalid `signature` in `thinking` block"},
		{off + turn(`{"reasoningContent":{"reasoningText":{"text":"x"}}},`), "messages.1.content.0.thinking.signature: Field required"},
	} {
		_, msg := f.checkThinking([]byte(tc.body))
		if (tc.want == "") != (msg == "") || !strings.Contains(msg, tc.want) {
			t.Errorf("%s\n got %q\nwant %q", tc.body, msg, tc.want)
		}
	}
}
