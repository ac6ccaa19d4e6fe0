package breaker

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/internal/testclock"
)

// The half-open probe limit must hold when many goroutines race for the
// slots: exactly HalfOpenProbes of them get through.
func TestProbeLimitUnderContention(t *testing.T) {
	clock := testclock.New()
	b := New(withProbes(3), clock.Now)
	runScript(t, b, clock, trip3+" wait:10s")

	var admitted atomic.Int32
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			if b.Allow() {
				admitted.Add(1)
			}
		})
	}
	wg.Wait()
	if n := admitted.Load(); n != 3 {
		t.Fatalf("%d probes admitted, want 3", n)
	}
}

// Hammers every method from many goroutines while the clock moves, so the
// race detector sees every path, then checks the invariants still hold.
func TestConcurrentUse(t *testing.T) {
	clock := testclock.New()
	b := New(Config{FailureThreshold: 3, FailureRatio: 0.5, MinRequests: 4, Window: time.Second,
		RecoveryTimeout: 100 * time.Millisecond, SuccessThreshold: 2, HalfOpenProbes: 2}, clock.Now)

	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 2000 {
				if !b.Allow() {
					continue
				}
				switch (w + i) % 4 {
				case 0, 1:
					b.Success()
				case 2:
					b.Failure()
				default:
					b.Release()
				}
			}
		})
	}
	wg.Go(func() {
		for i := range 2000 {
			clock.Advance(10 * time.Millisecond)
			_ = b.State()
			_ = b.Ready()
			_ = b.Generation()
			if s := b.Snapshot(); s.HalfOpenInFlight < 0 || s.HalfOpenInFlight > 2 {
				t.Errorf("probes in flight = %d, want 0..2", s.HalfOpenInFlight)
			}
			switch i % 500 {
			case 100:
				b.CoolDown(20 * time.Millisecond)
			case 200:
				b.SetConfig(Config{FailureThreshold: 4, HalfOpenProbes: 2, RecoveryTimeout: 50 * time.Millisecond})
			case 300:
				b.Reset()
			}
		}
	})
	wg.Wait()

	// Every admitted request was answered, so no probe slot may be held.
	if s := b.Snapshot(); s.HalfOpenInFlight != 0 {
		t.Fatalf("probe slots leaked: %+v", s)
	}
}

func TestAllowDoesNotAllocate(t *testing.T) {
	b := New(Config{}, nil)
	allocs := testing.AllocsPerRun(1000, func() {
		if b.Allow() {
			b.Success()
		}
	})
	if allocs != 0 {
		t.Fatalf("Allow+Success allocates %.1f times per call, want 0", allocs)
	}
}
