package anthropic

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// TestCountTokensClientBody: the client's own Messages body goes to
// count_tokens with the model set and the fields count_tokens refuses
// removed; anthropic-beta rides along.
func TestCountTokensClientBody(t *testing.T) {
	srv, rec := fakeupstream.NewAnthropic(fakeupstream.AnthropicOptions{APIKey: testKey})
	defer srv.Close()
	p := newProvider(t, srv.URL, nil)
	body := []byte(`{"model":"public","max_tokens":100,"stream":true,"temperature":0.5,"metadata":{"user_id":"u"},
		"system":"Be brief.","messages":[{"role":"user","content":"hello there"}]}`)
	max := 100
	req := &providers.ChatRequest{Model: "public", MaxTokens: &max, Messages: []providers.Message{{Role: "user", Content: providers.TextContent("hello there")}},
		Original: providers.Original{Format: providers.FormatAnthropicMessages, Body: body, Beta: []string{"b1"}}}
	n, err := p.CountTokens(context.Background(), target, req)
	if err != nil {
		t.Fatal(err)
	}
	// "user" 1 + "hello there" 2 + "Be brief." 2
	if n != 5 {
		t.Errorf("count %d, want 5", n)
	}
	sent := rec.Last()
	if sent.Path != "/v1/messages/count_tokens" || sent.Header.Get("Anthropic-Beta") != "b1" {
		t.Errorf("sent to %s with beta %q", sent.Path, sent.Header.Get("Anthropic-Beta"))
	}
	for _, gone := range []string{"max_tokens", "stream", "temperature", "metadata"} {
		if strings.Contains(string(sent.Body), `"`+gone+`"`) {
			t.Errorf("%s reached count_tokens: %s", gone, sent.Body)
		}
	}
	if !strings.Contains(string(sent.Body), `"model":"`+target.Model+`"`) {
		t.Errorf("model not patched: %s", sent.Body)
	}
}

// TestCountTokensBadAnswer: a 2xx without input_tokens is an upstream
// error, and an error status is classified.
func TestCountTokensBadAnswer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.Header.Get("X-Api-Key"), "limited") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(429)
			_, _ = w.Write([]byte(`{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}`))
			return
		}
		_, _ = w.Write([]byte(`{"tokens":3}`))
	}))
	defer srv.Close()
	p := newProvider(t, srv.URL, nil)
	req := &providers.ChatRequest{Model: "m", Messages: []providers.Message{{Role: "user", Content: providers.TextContent("x")}}}
	if _, err := p.CountTokens(context.Background(), target, req); asKind(t, err) != providers.KindUpstream {
		t.Errorf("no input_tokens: %v", err)
	}
	limited := providers.Target{Model: "m", APIKey: "limited"}
	if _, err := p.CountTokens(context.Background(), limited, req); asKind(t, err) != providers.KindRateLimited {
		t.Errorf("429: %v", err)
	}
}
