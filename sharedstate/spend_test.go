package sharedstate

import (
	"math"
	"strconv"
	"sync"
	"testing"
	"time"
)

func TestSpendAddsUpAcrossInstances(t *testing.T) {
	clock := newFakeClock()
	a, b := twoInstances(t, clock)
	const day = 24 * time.Hour

	if total, err := a.AddSpend(bg(), "c", day, 0.5); err != nil || total != 0.5 {
		t.Fatalf("a.AddSpend = %v, %v", total, err)
	}
	if total, err := b.AddSpend(bg(), "c", day, 0.25); err != nil || total != 0.75 {
		t.Fatalf("b.AddSpend = %v, %v; want 0.75 (a's spend included)", total, err)
	}
	// Concurrent small costs from both instances add up exactly: the
	// counter is an integer of nano-USD, not a float.
	var wg sync.WaitGroup
	for i := range 100 {
		s := [...]*Store{a, b}[i%2] // the instances take turns
		wg.Go(func() {
			if _, err := s.AddSpend(bg(), "c", day, 0.000_000_2); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for _, s := range []*Store{a, b} {
		if got, err := s.Spent(bg(), "c", day); err != nil || got != 0.75002 {
			t.Fatalf("Spent = %v, %v; want 0.75002", got, err)
		}
	}
	// Costs that are not costs are not added.
	for _, usd := range []float64{0, -1, math.NaN(), math.Inf(1), math.Inf(-1)} {
		if total, err := a.AddSpend(bg(), "c", day, usd); err != nil || total != 0.75002 {
			t.Fatalf("AddSpend(%v) = %v, %v; want the unchanged total", usd, total, err)
		}
	}
	if got, _ := a.Spent(bg(), "other", day); got != 0 {
		t.Fatalf("another key's Spent = %v, want 0", got)
	}
}

// Periods roll over on the injected clock, aligned like the in-process
// budget window, and their counters expire two periods after a write.
func TestSpendPeriodRollover(t *testing.T) {
	clock := newFakeClock() // 12:00:00 UTC: a multiple of 2s
	a, b := twoInstances(t, clock)
	raw := rawClient(t, shared)
	const period = 2 * time.Second

	if _, err := a.AddSpend(bg(), "c", period, 1); err != nil {
		t.Fatal(err)
	}
	clock.Advance(period - time.Millisecond)
	if got, _ := b.Spent(bg(), "c", period); got != 1 {
		t.Fatalf("last ms of the period: Spent = %v, want 1", got)
	}
	key := b.spendKey("c", period, clock.Now())
	if pttl := raw.PTTL(bg(), key).Val(); pttl <= 3*time.Second || pttl > 2*period {
		t.Fatalf("counter PTTL = %v, want about two periods (4s)", pttl)
	}
	clock.Advance(time.Millisecond)
	if got, _ := b.Spent(bg(), "c", period); got != 0 {
		t.Fatalf("new period: Spent = %v, want 0", got)
	}
	if total, _ := b.AddSpend(bg(), "c", period, 0.5); total != 0.5 {
		t.Fatalf("new period: AddSpend total = %v, want 0.5", total)
	}
	if got, _ := a.Spent(bg(), "c", period); got != 0.5 {
		t.Fatalf("new period seen by the other instance = %v, want 0.5", got)
	}

	// No period: one counter that never resets or expires.
	if _, err := a.AddSpend(bg(), "forever", 0, 2); err != nil {
		t.Fatal(err)
	}
	clock.Advance(1000 * time.Hour)
	if got, _ := b.Spent(bg(), "forever", 0); got != 2 {
		t.Fatalf("no period: Spent = %v, want 2", got)
	}
	if pttl := raw.PTTL(bg(), a.spendKey("forever", 0, clock.Now())).Val(); pttl != -1 {
		t.Fatalf("no period: PTTL = %v, want none (-1)", pttl)
	}
}

// The period boundaries are the in-process budget window's (time.Truncate:
// a day starts at UTC midnight), so both agree on when a budget resets.
func TestSpendKeyAlignment(t *testing.T) {
	s := &Store{prefix: "p:"}
	at := time.Date(2026, 11, 25, 17, 30, 0, 0, time.FixedZone("CET", 3600))
	midnight := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	want := "p:spend:86400000:" + strconv.FormatInt(midnight.UnixMilli(), 10) + ":client"
	if got := s.spendKey("client", 24*time.Hour, at); got != want {
		t.Fatalf("spendKey = %q, want %q", got, want)
	}
	// Different period lengths never share a counter, even when their
	// current periods start at the same instant.
	if s.spendKey("client", time.Hour, midnight) == s.spendKey("client", 24*time.Hour, midnight) {
		t.Fatal("1h and 24h periods share a counter")
	}
}
