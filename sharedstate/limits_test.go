package sharedstate

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// allowN calls Allow n times at the current fake time and returns how many
// passed.
func allowN(t *testing.T, s *Store, key string, perMinute, cost, n int) int {
	t.Helper()
	passed := 0
	for range n {
		ok, _, err := s.Allow(bg(), key, perMinute, cost)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			passed++
		}
	}
	return passed
}

func expectDenied(t *testing.T, s *Store, key string, perMinute, cost int, wantRetry time.Duration) {
	t.Helper()
	ok, retry, err := s.Allow(bg(), key, perMinute, cost)
	if err != nil {
		t.Fatal(err)
	}
	if ok || retry != wantRetry {
		t.Fatalf("Allow(%d/min, cost %d) = %v, retry %v; want denied, retry %v", perMinute, cost, ok, retry, wantRetry)
	}
}

func expectAllowed(t *testing.T, s *Store, key string, perMinute, cost int) {
	t.Helper()
	ok, retry, err := s.Allow(bg(), key, perMinute, cost)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Fatalf("Allow(%d/min, cost %d) denied, retry %v; want allowed", perMinute, cost, retry)
	}
}

func TestAllowBurstThenExactRetryAfter(t *testing.T) {
	clock := newFakeClock()
	s := newTestStore(t, shared, clock)

	if got := allowN(t, s, "c", 60, 1, 60); got != 60 {
		t.Fatalf("burst: %d of 60 allowed", got)
	}
	expectDenied(t, s, "c", 60, 1, time.Second)
	clock.Advance(999 * time.Millisecond)
	expectDenied(t, s, "c", 60, 1, time.Millisecond)
	clock.Advance(time.Millisecond)
	expectAllowed(t, s, "c", 60, 1)
	expectDenied(t, s, "c", 60, 1, time.Second)

	// A full minute later the bucket is full again, and no fuller.
	clock.Advance(time.Hour)
	if got := allowN(t, s, "c", 60, 1, 61); got != 60 {
		t.Fatalf("after an hour: %d of 61 allowed, want 60", got)
	}
}

// A limit whose emission interval is not a whole number of microseconds
// (60s/7 = 8571428.57µs) stays exact: the fraction is carried, never lost.
func TestAllowFractionalEmissionInterval(t *testing.T) {
	clock := newFakeClock()
	s := newTestStore(t, shared, clock)

	if got := allowN(t, s, "c", 7, 1, 8); got != 7 {
		t.Fatalf("%d of 8 allowed, want 7", got)
	}
	expectDenied(t, s, "c", 7, 1, 8571429*time.Microsecond) // rounded up, never early
	clock.Advance(8571428 * time.Microsecond)
	expectDenied(t, s, "c", 7, 1, time.Microsecond)
	clock.Advance(time.Microsecond)
	expectAllowed(t, s, "c", 7, 1)

	// Seven refills take exactly one minute, not a microsecond more: take
	// them one by one as soon as each is due.
	clock.Advance(time.Minute)
	allowN(t, s, "c", 7, 1, 7)
	start := clock.Now()
	for i := range 7 {
		ok, retry, err := s.Allow(bg(), "c", 7, 1)
		if err != nil || ok {
			t.Fatalf("refill %d: allowed=%v err=%v, want denied", i, ok, err)
		}
		clock.Advance(retry)
		expectAllowed(t, s, "c", 7, 1)
	}
	if got := clock.Now().Sub(start); got != time.Minute {
		t.Fatalf("7 refills took %v, want exactly 1m", got)
	}
}

func TestAllowCostsAndEdgeCases(t *testing.T) {
	clock := newFakeClock()
	s := newTestStore(t, shared, clock)
	raw := rawClient(t, shared)

	t.Run("cost above the limit never fits and writes nothing", func(t *testing.T) {
		ok, retry, err := s.Allow(bg(), "big", 100, 101)
		if err != nil || ok || retry != 0 {
			t.Fatalf("= %v, %v, %v; want denied with no retry", ok, retry, err)
		}
		if n := raw.Exists(bg(), s.key(kindLimit, "big")).Val(); n != 0 {
			t.Fatal("a refused oversize request wrote a bucket")
		}
	})
	t.Run("a cost of the whole limit fits a full bucket once", func(t *testing.T) {
		expectAllowed(t, s, "whole", 100, 100)
		expectDenied(t, s, "whole", 100, 1, 600*time.Millisecond)
	})
	t.Run("unlimited is allowed without Redis", func(t *testing.T) {
		closed, err := New(Config{Address: shared.addr, Timeout: testTimeout}, nil)
		if err != nil {
			t.Fatal(err)
		}
		_ = closed.Close()
		ok, _, err := closed.Allow(bg(), "u", 0, 5)
		if err != nil || !ok {
			t.Fatalf("unlimited = %v, %v", ok, err)
		}
		ok, _, err = closed.Allow(bg(), "u", MaxPerMinute+1, 5)
		if err != nil || !ok {
			t.Fatalf("above MaxPerMinute = %v, %v", ok, err)
		}
	})
	t.Run("a denied request takes nothing", func(t *testing.T) {
		expectAllowed(t, s, "deny", 10, 8)
		expectDenied(t, s, "deny", 10, 5, 18*time.Second) // 3 missing at 6s each
		expectAllowed(t, s, "deny", 10, 2)
	})
	t.Run("cost 0 passes a bucket with room and fails one in debt", func(t *testing.T) {
		expectAllowed(t, s, "zero", 10, 0)
		if err := s.Adjust(bg(), "zero", 10, 15); err != nil {
			t.Fatal(err)
		}
		expectDenied(t, s, "zero", 10, 0, 30*time.Second) // 5 in debt at 6s each
	})
	t.Run("the key expires when the bucket would be full", func(t *testing.T) {
		expectAllowed(t, s, "ttl", 60, 30)
		pttl := raw.PTTL(bg(), s.key(kindLimit, "ttl")).Val()
		if pttl <= 29*time.Second || pttl > 31*time.Second {
			t.Fatalf("PTTL = %v, want about 30s", pttl)
		}
	})
	t.Run("a changed limit keeps the bucket's time debt", func(t *testing.T) {
		allowN(t, s, "change", 7, 1, 7) // empty: TAT = now + 60s
		expectDenied(t, s, "change", 60, 1, time.Second)
		clock.Advance(time.Minute)
		expectAllowed(t, s, "change", 60, 60)
	})
}

// AllowAll takes from every bucket or from none, and names the bucket
// that refused.
func TestAllowAllIsAllOrNothing(t *testing.T) {
	clock := newFakeClock()
	s := newTestStore(t, shared, clock)
	limits := func(tokens int) []Limit {
		return []Limit{
			{Key: "k:rpm", PerMinute: 10, Cost: 1},
			{Key: "k:none", PerMinute: 0, Cost: 99}, // unlimited: ignored
			{Key: "k:tpm", PerMinute: 100, Cost: tokens},
		}
	}
	d, err := s.AllowAll(bg(), limits(60)...)
	if err != nil || !d.Allowed || d.Limiting != -1 {
		t.Fatalf("first = %+v, %v", d, err)
	}
	d, err = s.AllowAll(bg(), limits(60)...)
	if err != nil || d.Allowed || d.Limiting != 2 || d.RetryAfter != 12*time.Second {
		t.Fatalf("second = %+v, %v; want denied by limit 2 with retry 12s (20 tokens at 0.6s)", d, err)
	}
	// The denied request took no request unit: 9 remain.
	if got := allowN(t, s, "k:rpm", 10, 1, 10); got != 9 {
		t.Fatalf("request bucket: %d of 10 allowed, want 9", got)
	}
	// Now both refuse; the longer wait (tokens: 12s vs requests: 6s) wins.
	d, _ = s.AllowAll(bg(), limits(60)...)
	if d.Allowed || d.Limiting != 2 || d.RetryAfter != 12*time.Second {
		t.Fatalf("both full = %+v", d)
	}
	d, _ = s.AllowAll(bg(), limits(1)...)
	if d.Allowed || d.Limiting != 0 || d.RetryAfter != 6*time.Second {
		t.Fatalf("requests full = %+v; want limit 0, 6s", d)
	}
	d, _ = s.AllowAll(bg(), Limit{Key: "x", PerMinute: 5, Cost: 1}, Limit{Key: "y", PerMinute: 5, Cost: 6})
	if d.Allowed || d.Limiting != 1 || d.RetryAfter != 0 {
		t.Fatalf("oversize = %+v; want limit 1, no retry", d)
	}
}

func TestAdjustDebtAndRefund(t *testing.T) {
	clock := newFakeClock()
	s := newTestStore(t, shared, clock)

	allowN(t, s, "c", 60, 1, 60) // empty
	// Taking more goes into debt, but no deeper than one minute's worth.
	if err := s.Adjust(bg(), "c", 60, 1000); err != nil {
		t.Fatal(err)
	}
	expectDenied(t, s, "c", 60, 1, 61*time.Second)
	if err := s.Refund(bg(), "c", 60, 30); err != nil {
		t.Fatal(err)
	}
	expectDenied(t, s, "c", 60, 1, 31*time.Second)
	// Giving back more than was taken stops at a full bucket.
	if err := s.Refund(bg(), "c", 60, 1000); err != nil {
		t.Fatal(err)
	}
	if got := allowN(t, s, "c", 60, 1, 61); got != 60 {
		t.Fatalf("after a large refund: %d of 61 allowed, want 60", got)
	}
	// A refund to a full bucket is a no-op; zero and unlimited ones too.
	clock.Advance(time.Hour)
	for _, err := range []error{s.Refund(bg(), "c", 60, 5), s.Refund(bg(), "c", 60, 0), s.Adjust(bg(), "c", 0, 5)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := allowN(t, s, "c", 60, 1, 61); got != 60 {
		t.Fatalf("after refunds to a full bucket: %d of 61 allowed, want 60", got)
	}
	// Fractional refunds add up exactly: 7 refunds of 1 at 7/min give back
	// exactly one minute.
	clock.Advance(time.Hour)
	allowN(t, s, "f", 7, 1, 7)
	if err := s.Adjust(bg(), "f", 7, 7); err != nil { // TAT = now + 120s
		t.Fatal(err)
	}
	for range 7 {
		if err := s.Refund(bg(), "f", 7, 1); err != nil {
			t.Fatal(err)
		}
	}
	expectDenied(t, s, "f", 7, 1, 8571429*time.Microsecond) // back to "empty"
}

// Two Stores are two gateway instances: 200 concurrent requests across
// both admit exactly the limit (the clock is frozen, so nothing refills).
func TestAllowAtomicAcrossInstances(t *testing.T) {
	clock := newFakeClock()
	a, b := twoInstances(t, clock)

	const limit, calls = 50, 200
	var allowed, denied atomic.Int64
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range calls {
		s := [...]*Store{a, b}[i%2] // the instances take turns
		wg.Go(func() {
			<-start
			ok, _, err := s.Allow(bg(), "shared", limit, 1)
			switch {
			case err != nil:
				t.Error(err)
			case ok:
				allowed.Add(1)
			default:
				denied.Add(1)
			}
		})
	}
	close(start)
	wg.Wait()
	if allowed.Load() != limit || denied.Load() != calls-limit {
		t.Fatalf("allowed %d, denied %d; want exactly %d and %d", allowed.Load(), denied.Load(), limit, calls-limit)
	}
}
