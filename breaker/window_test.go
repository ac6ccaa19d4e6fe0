package breaker

import (
	"testing"
	"time"
)

func TestWindowRollsBucketByBucket(t *testing.T) {
	var w window
	w.reset(10 * time.Second) // ten 1s buckets
	w.record(0, true)
	w.record(500*time.Millisecond, false)
	w.record(3*time.Second, true)
	w.record(9*time.Second+999*time.Millisecond, false)

	tests := []struct {
		at                 time.Duration
		requests, failures int
	}{
		{9 * time.Second, 4, 2},
		{9*time.Second + 999*time.Millisecond, 4, 2},
		{10 * time.Second, 2, 1}, // bucket [0s,1s) has left the window
		{13*time.Second - 1, 2, 1},
		{13 * time.Second, 1, 0}, // bucket [3s,4s) has left
		{19*time.Second - 1, 1, 0},
		{19 * time.Second, 0, 0},
		{time.Hour, 0, 0},
	}
	for _, tt := range tests {
		r, f := w.totals(tt.at)
		if r != tt.requests || f != tt.failures {
			t.Errorf("totals(%v) = %d requests, %d failures; want %d, %d", tt.at, r, f, tt.requests, tt.failures)
		}
	}
}

// A bucket reused after the window wrapped around must start from zero,
// not add to the counts of ten slices ago.
func TestWindowReusedBucketStartsEmpty(t *testing.T) {
	var w window
	w.reset(10 * time.Second)
	for range 5 {
		w.record(2*time.Second, true)
	}
	w.record(12*time.Second, false) // same bucket index, next lap
	if r, f := w.totals(12 * time.Second); r != 1 || f != 0 {
		t.Fatalf("totals = %d, %d; want 1, 0", r, f)
	}
}

func TestWindowToleratesClockBeforeEpoch(t *testing.T) {
	var w window
	w.reset(time.Second)
	w.record(-time.Minute, true) // must not panic on a negative index
	if r, _ := w.totals(0); r != 1 {
		t.Fatalf("requests = %d, want 1", r)
	}
}

func TestWindowTinySpan(t *testing.T) {
	var w window
	w.reset(time.Nanosecond) // bucket width is clamped to 1ns, not 0
	w.record(5, true)
	if r, _ := w.totals(5); r != 1 {
		t.Fatalf("requests = %d, want 1", r)
	}
}
