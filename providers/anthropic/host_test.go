package anthropic

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/caddyserver/caddy/v2"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// TestHost: with a Host, the model moves from the body into the host's
// URL, anthropic_version goes in the body, the credential is a bearer
// token, and the host's error shape is classified by the host.
func TestHost(t *testing.T) {
	var mu sync.Mutex
	var path, body string
	var header http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		path, body, header = r.URL.Path, string(b), r.Header.Clone()
		mu.Unlock()
		if strings.Contains(string(b), "fail") {
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = io.WriteString(w, `{"error":{"code":429,"status":"RESOURCE_EXHAUSTED"}}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id":"msg_1","type":"message","role":"assistant","model":"claude-x","content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn","usage":{"input_tokens":3,"output_tokens":1}}`)
	}))
	t.Cleanup(srv.Close)
	p := &Provider{}
	p.BaseURL = srv.URL
	p.APIKeys = []providers.APIKey{{Value: "unused-key-0123"}}
	if err := p.Provision(caddy.Context{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Cleanup() })
	classified := 0
	p.SetHost(&Host{
		URL:     func(model string, stream bool) string { return srv.URL + "/models/" + model + ":raw" },
		Version: "host-2023-10-16",
		Error: func(status int, h http.Header, b []byte) *providers.Error {
			classified++
			return &providers.Error{Kind: providers.KindRateLimited, Message: "host quota"}
		},
	})
	tg := providers.Target{Model: "claude-x@1", APIKey: "ya29.access-token"}
	if _, err := p.Chat(context.Background(), tg, unified(t, `{"model":"c","messages":[{"role":"user","content":"hello"}]}`)); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	if path != "/models/claude-x@1:raw" || strings.Contains(body, `"model"`) || !strings.Contains(body, `"anthropic_version":"host-2023-10-16"`) ||
		header.Get("Authorization") != "Bearer ya29.access-token" || header.Get("X-Api-Key") != "" {
		t.Errorf("sent %s %s %v", path, body, header)
	}
	mu.Unlock()
	_, err := p.Chat(context.Background(), tg, unified(t, `{"model":"c","messages":[{"role":"user","content":"fail"}]}`))
	if asKind(t, err) != providers.KindRateLimited || classified != 1 {
		t.Errorf("host error: %v, classified %d", err, classified)
	}
	// No count endpoint on the host: counting is unsupported, not sent.
	if _, err := p.CountTokens(context.Background(), tg, unified(t, `{"model":"c","messages":[{"role":"user","content":"x"}]}`)); asKind(t, err) != providers.KindUnsupported {
		t.Errorf("count: %v", err)
	}
}
