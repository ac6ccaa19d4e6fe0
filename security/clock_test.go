package security

import (
	"math"
	"time"

	"github.com/sira-ai/caddy-ai-backends/internal/testclock"
)

// newFakeClock is the injected clock of every time-dependent test. It starts
// at noon UTC, twelve hours before a daily budget resets.
func newFakeClock() *testclock.Clock {
	return testclock.At(time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC))
}

func nan() float64 { return math.NaN() }
func inf() float64 { return math.Inf(1) }
