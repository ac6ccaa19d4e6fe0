package openai

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// TestCountTokens: a Responses body is passed to /responses/input_tokens
// with the model patched and the fields that endpoint refuses removed; a
// chat request is rendered as a Responses body; a server without the
// Responses API cannot count (KindUnsupported, so the caller counts locally).
func TestCountTokens(t *testing.T) {
	srv, rec := fake(t, fakeupstream.OpenAIConfig{})
	defer srv.Close()
	p := newOpenAI(t, srv)
	orig := []byte(`{"model":"public","input":"hello there","stream":true,"store":false,"max_output_tokens":50}`)
	req := &providers.ChatRequest{Model: "public", Messages: []providers.Message{{Role: "user", Content: providers.TextContent("hello there")}},
		Original: providers.Original{Format: providers.FormatOpenAIResponses, Body: orig}}
	n, err := p.CountTokens(context.Background(), target, req)
	if err != nil || n != 2 {
		t.Fatalf("Responses body: %d, %v", n, err)
	}
	sent := string(rec.Last().Body)
	if !strings.HasSuffix(rec.Last().Path, "/responses/input_tokens") || !strings.Contains(sent, `"model":"gpt-4o"`) ||
		strings.Contains(sent, "stream") || strings.Contains(sent, "store") || strings.Contains(sent, "max_output_tokens") {
		t.Errorf("sent %s to %s", sent, rec.Last().Path)
	}

	req.Original = providers.Original{}
	req.Tools = []providers.Tool{{Type: "function", Function: providers.FunctionDef{Name: "f", Description: "does it"}}}
	n, err = p.CountTokens(context.Background(), target, req)
	// "user" 1 + "hello there" 2; the tool: "function" 1 + "f" 1 + "does it" 2
	if err != nil || n != 7 {
		t.Fatalf("chat request: %d, %v (sent %s)", n, err, rec.Last().Body)
	}

	c := newCompatible(t, srv)
	_, err = c.CountTokens(context.Background(), target, req)
	var e *providers.Error
	if !errors.As(err, &e) || e.Kind != providers.KindUnsupported {
		t.Fatalf("chat-only server: %v", err)
	}
	if rec.Count() != 2 {
		t.Errorf("upstream saw %d requests, want 2", rec.Count())
	}
}
