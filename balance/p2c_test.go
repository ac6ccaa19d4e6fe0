package balance

import (
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/internal/testclock"
)

// newP2C returns a deterministic p2c policy on a fake clock.
func newP2C(clock *testclock.Clock) *p2cEWMA {
	return &p2cEWMA{intN: seeded(), now: clock.Now}
}

// observed returns endpoints whose latency estimates are the given values.
func observed(clock *testclock.Clock, latencies ...time.Duration) []*Endpoint {
	eps := make([]*Endpoint, len(latencies))
	for i, l := range latencies {
		eps[i] = NewEndpoint(1)
		eps[i].Observe(l, clock.Now())
	}
	return eps
}

// With three endpoints the fast one wins every pair it is drawn into (two
// pairs out of three); the slow ones still get the remaining third, so
// their estimates keep being refreshed.
func TestP2CPrefersFastButProbesOthers(t *testing.T) {
	clock := testclock.New()
	eps := observed(clock, 10*time.Millisecond, 100*time.Millisecond, 100*time.Millisecond)
	counts := countPicks(t, newP2C(clock), eps, 30000)
	checkShares(t, counts, []float64{2.0 / 3, 1.0 / 6, 1.0 / 6}, 0.01)
}

func TestP2CNeverObservedIsTriedFirst(t *testing.T) {
	clock := testclock.New()
	eps := observed(clock, time.Millisecond, time.Millisecond)
	eps = append(eps, NewEndpoint(1))
	counts := countPicks(t, newP2C(clock), eps, 30000)
	checkShares(t, counts, []float64{1.0 / 6, 1.0 / 6, 2.0 / 3}, 0.01)
}

func TestP2CWeighsInFlight(t *testing.T) {
	clock := testclock.New()
	eps := observed(clock, 10*time.Millisecond, 100*time.Millisecond)
	p := newP2C(clock)
	tests := []struct {
		fastInFlight int64
		want         int
	}{
		{8, 0},  // 10ms × 9 = 90ms beats 100ms
		{9, 1},  // 10ms × 10 = 100ms ties; fewer in flight wins
		{10, 1}, // 10ms × 11 = 110ms: the slow idle endpoint is cheaper
	}
	for _, tt := range tests {
		for eps[0].InFlight() < tt.fastInFlight {
			eps[0].Acquire()
		}
		for range 10 {
			if got := p.Pick(eps); got != tt.want {
				t.Fatalf("fast endpoint with %d in flight: picked %d, want %d", tt.fastInFlight, got, tt.want)
			}
		}
	}
}

func TestP2CRetriesAnEndpointWhoseSlownessIsOld(t *testing.T) {
	clock := testclock.New()
	slow := observed(clock, time.Second)[0]
	clock.Advance(time.Minute) // e^-6 ≈ 0.25%: the old 1s reads as ~2.5ms
	fast := observed(clock, 10*time.Millisecond)[0]
	if got := newP2C(clock).Pick([]*Endpoint{fast, slow}); got != 1 {
		t.Fatalf("picked %d, want the long-idle endpoint 1", got)
	}
}

func TestP2CDrawsDistinctEndpoints(t *testing.T) {
	clock := testclock.New()
	eps := observed(clock, 10*time.Millisecond, 100*time.Millisecond)
	// Were the two choices ever the same endpoint, the slow one would
	// sometimes be compared with itself and picked.
	if counts := countPicks(t, newP2C(clock), eps, 10000); counts[1] != 0 {
		t.Fatalf("slow endpoint picked %d times out of 10000, want 0", counts[1])
	}
}
