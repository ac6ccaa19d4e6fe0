package sharedstate

import (
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/testclock"
)

// twoInstances connects two Stores to the shared server under one key
// prefix: two gateway instances of one deployment, which must behave as
// one. A nil clock is the real one.
func twoInstances(tb testing.TB, clock *testclock.Clock) (a, b *Store) {
	tb.Helper()
	return newTestStore(tb, shared, clock), newTestStore(tb, shared, clock)
}
