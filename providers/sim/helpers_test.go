package sim

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"
	"go.uber.org/goleak"

	"github.com/sira-ai/caddy-ai-backends/internal/providertest"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fakeClock records the waits instead of sleeping.
type fakeClock struct {
	mu    sync.Mutex
	waits []time.Duration
	// onSleep, when set, runs inside each wait (e.g. to cancel the caller).
	onSleep func()
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.waits = append(c.waits, d)
	hook := c.onSleep
	c.mu.Unlock()
	if hook != nil {
		hook()
	}
	return ctx.Err()
}

func (c *fakeClock) slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}

var fixedNow = time.Unix(1_700_000_000, 0)

// newSim provisions a simulator with a fake clock; configure sets options
// before Provision.
func newSim(t testing.TB, configure func(*Provider)) (*Provider, *fakeClock) {
	t.Helper()
	clock := &fakeClock{}
	p := &Provider{}
	if configure != nil {
		configure(p)
	}
	p.sleep = clock.sleep
	p.now = func() time.Time { return fixedNow }
	if err := p.Provision(caddy.Context{}); err != nil {
		t.Fatalf("Provision: %v", err)
	}
	return p, clock
}

var target = providers.Target{Model: "sim-small"}

func userMsg(text string) providers.Message {
	return providers.Message{Role: "user", Content: providers.TextContent(text)}
}

func chatReq(msgs ...providers.Message) *providers.ChatRequest {
	return &providers.ChatRequest{Model: "demo/sim-small", Messages: msgs}
}

func intPtr(n int) *int { return &n }

var asError = providertest.AsError

func caddyDuration(d time.Duration) caddy.Duration { return caddy.Duration(d) }
