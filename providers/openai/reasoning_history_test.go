package openai

import (
	"context"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// A history with the reasoning the gateway returned from Claude: the
// signed blocks never reach an OpenAI-format upstream, reasoning_content
// never reaches OpenAI itself; everything else is sent as the client wrote
// it, and the handler's request is left as it was.
func TestReasoningHistoryNotSent(t *testing.T) {
	const body = `{"model":"gpt-4o","x_vendor":1,"messages":[{"role":"user","content":"hi"},` +
		`{"role":"assistant","content":"ok","reasoning_content":"I think","thinking_blocks":[{"type":"thinking","thinking":"I think","signature":"sig"}]},` +
		`{"role":"user","content":"again"}]}`
	srv, rec := fake(t, fakeupstream.OpenAIConfig{})
	for _, c := range []struct {
		name       string
		p          *Provider
		translated bool
		reasoning  bool // reasoning_content reaches the upstream
	}{
		{"openai", &newOpenAI(t, srv).Provider, false, false},
		{"openai translated", &newOpenAI(t, srv).Provider, true, false},
		{"compatible", &newCompatible(t, srv, func(p *Provider) { p.APIKeys = []providers.APIKey{{Value: testKey}} }).Provider, false, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := chatRequest(t, body)
			if c.translated {
				req.Original = providers.Original{}
			}
			if _, err := c.p.Chat(context.Background(), target, req); err != nil {
				t.Fatal(err)
			}
			sent := string(rec.Last().Body)
			if strings.Contains(sent, "thinking_blocks") || strings.Contains(sent, "sig") {
				t.Errorf("signed blocks sent: %s", sent)
			}
			if got := strings.Contains(sent, "reasoning_content"); got != c.reasoning {
				t.Errorf("reasoning_content sent = %v, want %v: %s", got, c.reasoning, sent)
			}
			if !strings.Contains(sent, `"again"`) || (!c.translated && !strings.Contains(sent, `"x_vendor":1`)) {
				t.Errorf("history or unknown field lost: %s", sent)
			}
			if len(req.Messages[1].ThinkingBlocks) != 1 {
				t.Error("the handler's request was modified")
			}
		})
	}
}
