package security

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/internal/testclock"
)

// traffic sends requests from client every interval for duration and
// returns the first block seen (zero if none) and how many transitions
// (justBlocked) happened.
func traffic(d *AnomalyDetector, clock *testclock.Clock, client string, interval, duration time.Duration) (firstBlock time.Time, until time.Time, transitions int) {
	for elapsed := time.Duration(0); elapsed < duration; elapsed += interval {
		blocked, u, just := d.Observe(client)
		if just {
			transitions++
		}
		if blocked && firstBlock.IsZero() {
			firstBlock, until = clock.Now(), u
		}
		clock.Advance(interval)
	}
	return firstBlock, until, transitions
}

func TestAnomalyBlocksABurstAndUnblocksAfterCoolDown(t *testing.T) {
	clock := newFakeClock()
	d := NewAnomalyDetector(AnomalyConfig{}, clock.Now) // defaults: 10x, 5 req/s, 10m, 5m

	if at, _, _ := traffic(d, clock, "kfp_a", time.Second, 20*time.Minute); !at.IsZero() {
		t.Fatalf("steady 1 req/s blocked at %v", at)
	}
	burstStart := clock.Now()
	at, until, transitions := traffic(d, clock, "kfp_a", 50*time.Millisecond, 30*time.Second) // 20 req/s
	if at.IsZero() {
		t.Fatal("a 20x burst was not blocked")
	}
	// The short rate needs about one window to climb past 10x a baseline
	// that the burst itself is slowly raising: ~12 s for a 20x burst.
	if took := at.Sub(burstStart); took > 15*time.Second {
		t.Fatalf("burst blocked only after %v", took)
	}
	if transitions != 1 {
		t.Fatalf("justBlocked reported %d times, want once", transitions)
	}
	if want := at.Add(DefaultAnomalyCoolDown); !until.Equal(want) {
		t.Fatalf("blocked until %v, want %v", until, want)
	}

	// Still blocked, with the same end, until the cool-down is over.
	clock.Advance(until.Sub(clock.Now()) - time.Millisecond)
	if blocked, u, just := d.Observe("kfp_a"); !blocked || !u.Equal(until) || just {
		t.Fatalf("just before the end: blocked=%v until=%v just=%v", blocked, u, just)
	}
	clock.Advance(time.Millisecond)
	if blocked, _, _ := d.Observe("kfp_a"); blocked {
		t.Fatal("still blocked after the cool-down")
	}
	// Back to its usual pace, the client stays unblocked.
	if at, _, _ := traffic(d, clock, "kfp_a", time.Second, 10*time.Minute); !at.IsZero() {
		t.Fatalf("normal traffic after the cool-down blocked at %v", at)
	}
}

func TestAnomalyReblocksAPersistentBurst(t *testing.T) {
	clock := newFakeClock()
	d := NewAnomalyDetector(AnomalyConfig{}, clock.Now)
	traffic(d, clock, "kfp_a", time.Second, 20*time.Minute)
	_, until, _ := traffic(d, clock, "kfp_a", 50*time.Millisecond, 20*time.Second)
	clock.Advance(until.Sub(clock.Now()))
	if _, _, transitions := traffic(d, clock, "kfp_a", 50*time.Millisecond, 20*time.Second); transitions != 1 {
		t.Fatalf("a burst that resumes after the cool-down was blocked %d times, want 1", transitions)
	}
}

func TestAnomalySteadyHighRateFromTheStartIsNormal(t *testing.T) {
	clock := newFakeClock()
	d := NewAnomalyDetector(AnomalyConfig{}, clock.Now)
	// 50 req/s from the very first request: its own baseline, not a burst.
	if at, _, _ := traffic(d, clock, "kfp_batch", 20*time.Millisecond, 30*time.Minute); !at.IsZero() {
		t.Fatalf("steady 50 req/s blocked at %v", at)
	}
}

func TestAnomalyIgnoresRatesBelowMinRate(t *testing.T) {
	clock := newFakeClock()
	d := NewAnomalyDetector(AnomalyConfig{}, clock.Now)
	traffic(d, clock, "kfp_a", time.Minute, time.Hour) // 1 req/min
	// 4 req/s is 240x the baseline but below MinRate 5 req/s.
	if at, _, _ := traffic(d, clock, "kfp_a", 250*time.Millisecond, 5*time.Minute); !at.IsZero() {
		t.Fatalf("4 req/s blocked at %v", at)
	}
}

func TestAnomalyIdleClientBursting(t *testing.T) {
	clock := newFakeClock()
	d := NewAnomalyDetector(AnomalyConfig{}, clock.Now)
	d.Observe("kfp_a")
	clock.Advance(time.Hour)
	if at, _, _ := traffic(d, clock, "kfp_a", 100*time.Millisecond, 30*time.Second); at.IsZero() {
		t.Fatal("10 req/s from a client idle for an hour was not blocked")
	}
}

func TestAnomalyClientsAreIndependent(t *testing.T) {
	clock := newFakeClock()
	d := NewAnomalyDetector(AnomalyConfig{}, clock.Now)
	traffic(d, clock, "kfp_a", time.Second, 20*time.Minute)
	d.Observe("kfp_b")
	clock.Advance(time.Hour)
	if at, _, _ := traffic(d, clock, "kfp_b", 50*time.Millisecond, 20*time.Second); at.IsZero() {
		t.Fatal("kfp_b not blocked")
	}
	if blocked, _, _ := d.Observe("kfp_a"); blocked {
		t.Fatal("kfp_a blocked because of kfp_b")
	}
}

func TestAnomalyCustomConfig(t *testing.T) {
	clock := newFakeClock()
	d := NewAnomalyDetector(AnomalyConfig{Factor: 2, MinRate: 1, Baseline: time.Minute, CoolDown: time.Second, Window: 5 * time.Second}, clock.Now)
	traffic(d, clock, "kfp_a", time.Second, 5*time.Minute)
	at, until, _ := traffic(d, clock, "kfp_a", 200*time.Millisecond, time.Minute)
	if at.IsZero() || until.Sub(at) != time.Second {
		t.Fatalf("blocked at %v until %v, want a 1 s block", at, until)
	}
}

func TestAnomalyMemoryIsBounded(t *testing.T) {
	clock := newFakeClock()
	d := NewAnomalyDetector(AnomalyConfig{MaxClients: 3}, clock.Now)
	for i := range 10 {
		d.Observe(fmt.Sprintf("kfp_%d", i))
	}
	if d.Tracked() != 3 {
		t.Fatalf("Tracked = %d, want 3", d.Tracked())
	}
	// The most recently seen clients are the ones kept.
	d.Observe("kfp_9")
	if d.Tracked() != 3 {
		t.Fatalf("a known client was added again: Tracked = %d", d.Tracked())
	}
}

func TestAnomalyDefaults(t *testing.T) {
	c := AnomalyConfig{Baseline: time.Second}.withDefaults()
	want := AnomalyConfig{Factor: 10, MinRate: 5, Baseline: 20 * time.Second, CoolDown: 5 * time.Minute, Window: 10 * time.Second, MaxClients: 10000}
	if c != want {
		t.Fatalf("withDefaults = %+v, want %+v", c, want)
	}
}

func TestAnomalyConcurrent(t *testing.T) {
	clock := newFakeClock()
	d := NewAnomalyDetector(AnomalyConfig{MaxClients: 8}, clock.Now)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				d.Observe(fmt.Sprintf("kfp_%d", (g+i)%12))
				if i%50 == 0 {
					clock.Advance(time.Millisecond)
				}
			}
		})
	}
	wg.Wait()
	if d.Tracked() > 8 {
		t.Fatalf("Tracked = %d over the bound", d.Tracked())
	}
}

func TestAnomalyKnownClientDoesNotAllocate(t *testing.T) {
	clock := newFakeClock()
	d := NewAnomalyDetector(AnomalyConfig{}, clock.Now)
	d.Observe("kfp_a")
	if allocs := testing.AllocsPerRun(1000, func() { d.Observe("kfp_a") }); allocs != 0 {
		t.Fatalf("Observe allocates %v times for a known client", allocs)
	}
}
