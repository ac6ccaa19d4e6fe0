package anthropic

import (
	"context"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/internal/providertest"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

func messagesRequest(stream bool) *providers.ChatRequest {
	body := `{"model":"m","max_tokens":100,"messages":[{"role":"user","content":"x"}]}`
	req := &providers.ChatRequest{Model: "m", Stream: stream, Messages: []providers.Message{{Role: "user", Content: providers.TextContent("x")}}}
	req.Original = providers.Original{Format: providers.FormatAnthropicMessages, Body: []byte(body)}
	return req
}

// TestChatStreamRelaysEvents: for a client body in Anthropic's format
// every upstream event reaches the caller as exactly one chunk carrying the
// event (the first of its chunks; the rest only marked), events that
// translate to nothing included, in order; usage is still translated.
func TestChatStreamRelaysEvents(t *testing.T) {
	srv, _ := fakeupstream.NewAnthropic(fakeupstream.AnthropicOptions{Thinking: "hmm", Text: "ok", TextChunk: 10,
		ToolUses: []fakeupstream.AnthropicToolUse{{ID: "toolu_A", Name: "f", Input: `{"a":1}`}}})
	defer srv.Close()
	p := newProvider(t, srv.URL, nil)
	st, err := p.ChatStream(context.Background(), target, messagesRequest(true))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var names []string
	var usage *providers.Usage
	for c := range providertest.Chunks(t, st) {
		if c.Event == nil || !c.Event.Relay {
			t.Fatalf("chunk without its event: %+v", c)
		}
		if c.Event.Data != nil {
			names = append(names, c.Event.Name)
		}
		if c.Usage != nil {
			usage = c.Usage
		}
	}
	want := "message_start content_block_start ping content_block_delta content_block_delta content_block_stop " +
		"content_block_start content_block_delta content_block_stop content_block_start content_block_delta " +
		"content_block_delta content_block_delta content_block_stop message_delta message_stop" // an empty input_json_delta first
	if got := strings.Join(names, " "); got != want || usage == nil || usage.PromptTokens != 12 {
		t.Fatalf("events %s\nusage %+v", got, usage)
	}
	// A translated request's chunks carry no event.
	st2, err := p.ChatStream(context.Background(), target, unified(t, `{"model":"m","messages":[{"role":"user","content":"x"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	if c, err := st2.Next(); err != nil || c.Event != nil {
		t.Fatalf("translated chunk: %+v %v", c, err)
	}
}

// TestChatKeepsAnthropicAnswer: a non-streaming answer to a client body in
// Anthropic's format keeps the upstream JSON for the dialect to relay.
func TestChatKeepsAnthropicAnswer(t *testing.T) {
	srv, _ := fakeupstream.NewAnthropic(fakeupstream.AnthropicOptions{Thinking: "hmm"})
	defer srv.Close()
	p := newProvider(t, srv.URL, nil)
	resp, err := p.Chat(context.Background(), target, messagesRequest(false))
	if err != nil {
		t.Fatal(err)
	}
	if !resp.Original.Is(providers.FormatAnthropicMessages) || !strings.Contains(string(resp.Original.Body), `"signature":"sig_fake"`) {
		t.Fatalf("original %q", resp.Original.Body)
	}
	resp, err = p.Chat(context.Background(), target, unified(t, `{"model":"m","messages":[{"role":"user","content":"x"}]}`))
	if err != nil || resp.Original.Body != nil {
		t.Fatalf("translated answer kept an original: %v", err)
	}
	if !p.RelaysOriginal(providers.FormatAnthropicMessages) || p.RelaysOriginal(providers.FormatOpenAIChat) {
		t.Fatal("RelaysOriginal")
	}
}
