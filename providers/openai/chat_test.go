package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// TestChatPassThrough checks the bytes the upstream received: the model
// patched, everything else (unknown fields, spacing, escapes) as the client
// wrote it.
func TestChatPassThrough(t *testing.T) {
	p, rec := fakeOpenAI(t, fakeupstream.OpenAIConfig{CachedTokens: 3, ReasoningTokens: 5})
	const client = `{"model": "smart", "messages": [{"role":"user","content":"hello there"}], "x_vendor": {"nested": [1, "\u00e9", null]}, "logit_bias": {"50256": -100}}`
	resp, err := p.Chat(context.Background(), target, chatRequest(t, client))
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"model": "gpt-4o", "messages": [{"role":"user","content":"hello there"}], "x_vendor": {"nested": [1, "\u00e9", null]}, "logit_bias": {"50256": -100}}`
	if got := rec.Last(); string(got.Body) != want || got.Path != "/v1/chat/completions" || got.Method != "POST" {
		t.Errorf("upstream got %s %s\n%s", got.Method, got.Path, got.Body)
	}

	// Only the head is decoded until someone asks for the choices.
	if resp.Choices != nil {
		t.Errorf("choices decoded eagerly: %+v", resp.Choices)
	}
	if err := resp.LoadChoices(); err != nil {
		t.Fatal(err)
	}
	msg := resp.Choices[0].Message
	if msg.Content.String() != "Echo: hello there" || msg.Role != "assistant" || resp.Choices[0].FinishReason != "stop" {
		t.Errorf("choice = %+v", resp.Choices[0])
	}
	if !strings.HasPrefix(resp.ID, "chatcmpl-") || resp.Object != "chat.completion" || resp.Model != "gpt-4o" || resp.SystemFingerprint == "" {
		t.Errorf("envelope = %+v", resp)
	}
	u := resp.Usage
	if u == nil || u.CompletionTokens != 3+5 || u.CachedTokens() != 3 || u.ReasoningTokens() != 5 || u.TotalTokens != u.PromptTokens+u.CompletionTokens {
		t.Errorf("usage = %+v", u)
	}
	// Raw is the upstream body as received: pretty-printed, with fields the
	// unified type lacks.
	if !bytes.Contains(resp.Raw, []byte(`"service_tier": "default"`)) || !bytes.Contains(resp.Raw, []byte(`"annotations": []`)) {
		t.Errorf("Raw = %s", resp.Raw)
	}
}

func TestChatHeaders(t *testing.T) {
	p, rec := fakeOpenAI(t, fakeupstream.OpenAIConfig{}, func(p *Provider) {
		p.Organization = "org-123"
		p.Headers = map[string]string{"X-Extra": "yes", "OpenAI-Project": "proj_1"}
	})
	if _, err := p.Chat(context.Background(), target, chatRequest(t, `{"model":"gpt-4o","messages":[{"role":"user","content":"x"}]}`)); err != nil {
		t.Fatal(err)
	}
	h := rec.Last().Header
	for name, want := range map[string]string{
		"Authorization": "Bearer " + testKey, "Openai-Organization": "org-123", "Content-Type": "application/json",
		"Accept": "application/json", "X-Extra": "yes", "Openai-Project": "proj_1",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

// TestChatAzureStyle sends the key in api-key and appends api-version.
func TestChatAzureStyle(t *testing.T) {
	srv, rec := fake(t, fakeupstream.OpenAIConfig{AuthHeader: "api-key"})
	p := newCompatible(t, srv, func(p *Provider) {
		p.BaseURL = srv.URL + "/openai/deployments/gpt4o/"
		p.AuthHeader = "api-key"
		p.Query = map[string]string{"api-version": "2024-10-21"}
	})
	if _, err := p.Chat(context.Background(), target, chatRequest(t, `{"model":"gpt-4o","messages":[{"role":"user","content":"x"}]}`)); err != nil {
		t.Fatal(err)
	}
	got := rec.Last()
	if got.Path != "/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21" {
		t.Errorf("path = %s", got.Path)
	}
	if got.Header.Get("api-key") != testKey || got.Header.Get("Authorization") != "" {
		t.Errorf("auth headers = %v", got.Header)
	}
}

// TestChatWithoutKey: openai_compatible servers often need no key; then no
// Authorization header is sent at all.
func TestChatWithoutKey(t *testing.T) {
	srv, rec := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{})
	p := newCompatible(t, srv)
	resp, err := p.Chat(context.Background(), providers.Target{Model: "llama3.1"}, chatRequest(t, `{"model":"llama3.1","messages":[{"role":"user","content":"x"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := rec.Last().Header["Authorization"]; ok || resp.Model != "llama3.1" {
		t.Errorf("headers %v, model %q", rec.Last().Header, resp.Model)
	}
}

// TestChatTranslated: a request from another format (no Raw) is encoded.
func TestChatTranslated(t *testing.T) {
	p, rec := fakeOpenAI(t, fakeupstream.OpenAIConfig{})
	limit := 100
	req := &providers.ChatRequest{
		Model:     "claude-alias",
		Messages:  []providers.Message{{Role: "user", Content: providers.TextContent("from anthropic")}},
		MaxTokens: &limit,
	}
	resp, err := p.Chat(context.Background(), providers.Target{Model: "o3-mini", APIKey: testKey}, req)
	if err != nil {
		t.Fatal(err)
	}
	var sent map[string]any
	if err := json.Unmarshal(rec.Last().Body, &sent); err != nil {
		t.Fatal(err)
	}
	if sent["model"] != "o3-mini" || sent["max_completion_tokens"] != 100.0 || sent["max_tokens"] != nil {
		t.Errorf("sent %s", rec.Last().Body)
	}
	if err := resp.LoadChoices(); err != nil {
		t.Fatal(err)
	}
	if resp.Choices[0].Message.Content.String() != "Echo: from anthropic" {
		t.Errorf("answer = %+v", resp.Choices[0].Message)
	}
}

// TestChatReasoningModelRaw: the fake rejects max_tokens for o-series
// models as OpenAI does, so this passes only if the body was rewritten.
func TestChatReasoningModelRaw(t *testing.T) {
	p, rec := fakeOpenAI(t, fakeupstream.OpenAIConfig{})
	_, err := p.Chat(context.Background(), providers.Target{Model: "o1", APIKey: testKey},
		chatRequest(t, `{"model":"reasoner","max_tokens":3,"messages":[{"role":"user","content":"x"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"model":"o1","messages":[{"role":"user","content":"x"}],"max_completion_tokens":3}`; string(rec.Last().Body) != want {
		t.Errorf("sent %s", rec.Last().Body)
	}
}

// TestChatBadSuccessBody: a 2xx body that is not JSON, or too large, is an
// upstream failure.
func TestChatBadSuccessBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Has("big") {
			_, _ = w.Write(bytes.Repeat([]byte(" "), 2<<20))
			return
		}
		_, _ = w.Write([]byte("<html>proxy says hi</html>"))
	}))
	t.Cleanup(srv.Close)
	p := newCompatible(t, srv)
	_, err := p.Chat(context.Background(), target, chatRequest(t, `{"model":"gpt-4o","messages":[]}`))
	if e := asError(t, err); e.Kind != providers.KindUpstream || strings.Contains(e.Message, "proxy") {
		t.Errorf("invalid JSON: %+v", e)
	}

	defer func(old int64) { responseLimit = old }(responseLimit)
	responseLimit = 1 << 20
	p = newCompatible(t, srv, func(p *Provider) { p.Query = map[string]string{"big": "1"} })
	_, err = p.Chat(context.Background(), target, chatRequest(t, `{"model":"gpt-4o","messages":[]}`))
	if e := asError(t, err); e.Kind != providers.KindUpstream || !strings.Contains(e.Message, "larger") {
		t.Errorf("too large: %+v", e)
	}
}
