package security

import (
	"math"
	"sync"
	"time"
)

// fakeClock is the injected clock of every time-dependent test: time moves
// only when a test says so, so nothing ever sleeps and results are exact.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

// newFakeClock starts at noon UTC, twelve hours before a daily budget resets.
func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)}
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

func nan() float64 { return math.NaN() }
func inf() float64 { return math.Inf(1) }
