package google

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

// TestUseVertex: the key goes out as a bearer token, and countTokens sends
// Vertex's flat body, not generateContentRequest.
func TestUseVertex(t *testing.T) {
	var mu sync.Mutex
	var got []string // path, Authorization, x-goog-api-key, body
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = []string{r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("X-Goog-Api-Key"), string(b)}
		mu.Unlock()
		_, _ = io.WriteString(w, `{"totalTokens":7}`)
	}))
	t.Cleanup(srv.Close)
	p := &Provider{}
	p.BaseURL = srv.URL + "/v1/projects/p/locations/l/publishers/google"
	if err := p.Provision(caddy.Context{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Cleanup() })
	p.UseVertex()
	n, err := p.CountTokens(context.Background(), providers.Target{Model: "gemini-2.5-flash", APIKey: "ya29.token-0123"},
		chatRequest(t, `{"model":"m","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi"}]}`))
	if err != nil || n != 7 {
		t.Fatal(n, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if got[0] != "/v1/projects/p/locations/l/publishers/google/models/gemini-2.5-flash:countTokens" || got[1] != "Bearer ya29.token-0123" ||
		got[2] != "" || strings.Contains(got[3], "generateContentRequest") || !strings.Contains(got[3], `"contents":[`) ||
		!strings.Contains(got[3], `"systemInstruction":`) {
		t.Errorf("sent %q", got)
	}
}
