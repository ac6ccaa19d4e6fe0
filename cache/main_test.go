package cache

import (
	"encoding/json"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// TestMain fails the run if any test leaves a goroutine behind: ristretto's
// workers after Close, or Group calls nobody waits for.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// newTestCache returns a cache closed when the test ends.
func newTestCache(t testing.TB, maxBytes int64, now func() time.Time) *Cache {
	t.Helper()
	c, err := New(maxBytes, now)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

// parseChat decodes an OpenAI request body the way the handler does:
// typed fields plus the body as Raw.
func parseChat(t testing.TB, body string) *providers.ChatRequest {
	t.Helper()
	var req providers.ChatRequest
	if err := json.Unmarshal([]byte(body), &req); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	req.Original = providers.OpenAIOriginal([]byte(body))
	return &req
}
