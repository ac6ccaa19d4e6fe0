// Package testclock is the clock that time-dependent tests inject in place of
// time.Now: time moves only when a test advances it, so no test sleeps and
// every TTL, window and cooldown comes out exact.
package testclock

import (
	"sync"
	"time"
)

// Epoch is where New starts. A fixed instant keeps results independent of the
// day the tests run.
var Epoch = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// Clock is a manually advanced clock, safe for concurrent use: the code under
// test may read it from its own goroutines while the test advances it.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// New returns a clock standing at Epoch.
func New() *Clock { return At(Epoch) }

// At returns a clock standing at start, for tests whose meaning depends on the
// instant (a daily reset, the size of real timestamps).
func At(start time.Time) *Clock { return &Clock{t: start} }

// Now reports the clock's current instant; pass the method value as the
// injected now func.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d (backward when d is negative).
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
