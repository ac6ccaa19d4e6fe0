package cache

import (
	"encoding/json"
	"sync"
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

// fakeClock is a manually advanced clock, so TTL tests never wait.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
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
	req.Raw = []byte(body)
	return &req
}
