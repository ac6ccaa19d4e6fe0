package metrics

import (
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/internal/testclock"
)

func TestWindowRate(t *testing.T) {
	clk := testclock.New()
	w := newSlidingWindow(60*time.Second, 5*time.Second, clk.Now)
	if got := w.rate(); got != 0 {
		t.Fatalf("empty rate = %v, want 0", got)
	}
	w.record(false)
	w.record(false)
	w.record(false)
	w.record(true)
	if got := w.rate(); got != 0.25 {
		t.Fatalf("rate = %v, want 0.25", got)
	}
}

func TestWindowSlides(t *testing.T) {
	clk := testclock.New()
	w := newSlidingWindow(60*time.Second, 5*time.Second, clk.Now)

	w.record(true) // t=0, bucket 0
	clk.Advance(30 * time.Second)
	w.record(false) // t=30s, bucket 6
	if f, n := w.counts(); f != 1 || n != 2 {
		t.Fatalf("at 30s counts = %d/%d, want 1/2", f, n)
	}

	// At 59s the first bucket is still one of the 12 most recent.
	clk.Advance(29 * time.Second)
	if f, n := w.counts(); f != 1 || n != 2 {
		t.Fatalf("at 59s counts = %d/%d, want 1/2", f, n)
	}

	// At 60s it has left the window; the 30s success remains.
	clk.Advance(time.Second)
	if f, n := w.counts(); f != 0 || n != 1 {
		t.Fatalf("at 60s counts = %d/%d, want 0/1", f, n)
	}
	if got := w.rate(); got != 0 {
		t.Fatalf("at 60s rate = %v, want 0", got)
	}

	// After a long quiet spell everything has expired, and a new outcome
	// that lands in a reused slot does not inherit the old counts.
	clk.Advance(10 * time.Minute)
	if _, n := w.counts(); n != 0 {
		t.Fatalf("after quiet spell total = %d, want 0", n)
	}
	w.record(true)
	if f, n := w.counts(); f != 1 || n != 1 {
		t.Fatalf("after reuse counts = %d/%d, want 1/1", f, n)
	}
}

func TestWindowBucketReuseClearsOldCounts(t *testing.T) {
	clk := testclock.New()
	w := newSlidingWindow(10*time.Second, 5*time.Second, clk.Now) // 2 buckets
	w.record(true)
	w.record(true)
	clk.Advance(10 * time.Second) // same ring slot, next lap
	w.record(false)
	if f, n := w.counts(); f != 0 || n != 1 {
		t.Fatalf("counts = %d/%d, want 0/1", f, n)
	}
}

func TestWindowClockBackwardsIgnoresFuture(t *testing.T) {
	clk := testclock.New()
	w := newSlidingWindow(60*time.Second, 5*time.Second, clk.Now)
	w.record(true)
	clk.Advance(-time.Minute) // e.g. a test clock rewound
	if _, n := w.counts(); n != 0 {
		t.Fatalf("future buckets counted: total = %d", n)
	}
	w.record(false) // must not panic on a negative slot computation
}

func TestWindowBeforeEpoch(t *testing.T) {
	now := time.Unix(-7, 0) // floor division must keep slots in range
	w := newSlidingWindow(60*time.Second, 5*time.Second, func() time.Time { return now })
	w.record(true)
	if f, n := w.counts(); f != 1 || n != 1 {
		t.Fatalf("counts = %d/%d, want 1/1", f, n)
	}
}

func TestWindowDegenerateConfig(t *testing.T) {
	w := newSlidingWindow(0, 0, nil)
	if len(w.buckets) != 1 {
		t.Fatalf("buckets = %d, want 1", len(w.buckets))
	}
	w.record(false)
	if _, n := w.counts(); n != 1 {
		t.Fatalf("total = %d, want 1", n)
	}
}

func BenchmarkWindowRecord(b *testing.B) {
	w := newSlidingWindow(errorWindowSpan, errorWindowBucket, nil)
	b.ReportAllocs()
	for b.Loop() {
		w.record(false)
	}
}
