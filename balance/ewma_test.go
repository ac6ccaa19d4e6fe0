package balance

import (
	"math"
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/internal/testclock"
)

func TestLatencyNeverObservedIsZero(t *testing.T) {
	if got := NewEndpoint(1).Latency(time.Now()); got != 0 {
		t.Fatalf("latency = %v, want 0", got)
	}
}

func TestLatencyFirstObservationIsTaken(t *testing.T) {
	clock := testclock.New()
	e := NewEndpoint(1)
	e.Observe(80*time.Millisecond, clock.Now())
	if got := e.Latency(clock.Now()); got != 80*time.Millisecond {
		t.Fatalf("latency = %v, want 80ms", got)
	}
}

func TestLatencyJumpsToPeaks(t *testing.T) {
	clock := testclock.New()
	e := NewEndpoint(1)
	e.Observe(10*time.Millisecond, clock.Now())
	clock.Advance(time.Millisecond)
	e.Observe(500*time.Millisecond, clock.Now())
	if got := e.Latency(clock.Now()); got != 500*time.Millisecond {
		t.Fatalf("latency = %v, want the 500ms peak at once", got)
	}
}

func TestLatencyMovesDownByElapsedTime(t *testing.T) {
	clock := testclock.New()
	e := NewEndpoint(1)
	e.Observe(100*time.Millisecond, clock.Now())

	// A lower sample right after the last one barely moves the estimate.
	e.Observe(0, clock.Now())
	if got := e.Latency(clock.Now()); got != 100*time.Millisecond {
		t.Fatalf("latency = %v after a simultaneous sample, want 100ms", got)
	}

	// A lower sample one time constant later carries weight 1-1/e.
	clock.Advance(decayTime)
	e.Observe(20*time.Millisecond, clock.Now())
	want := 100*math.Exp(-1) + 20*(1-math.Exp(-1)) // ms
	if got := ms(e.Latency(clock.Now())); math.Abs(got-want) > 1e-5 {
		t.Fatalf("latency = %.6fms, want %.6fms", got, want)
	}
}

// An idle estimate fades so that a once-slow endpoint is tried again.
func TestLatencyFadesWhileIdle(t *testing.T) {
	clock := testclock.New()
	e := NewEndpoint(1)
	start := clock.Now()
	e.Observe(time.Second, start)
	tests := []struct {
		after time.Duration
		want  float64 // ms
	}{
		{0, 1000},
		{decayTime, 1000 * math.Exp(-1)},
		{3 * decayTime, 1000 * math.Exp(-3)},
		{-time.Second, 1000}, // a clock reading before the observation does not inflate it
	}
	for _, tt := range tests {
		if got := ms(e.Latency(start.Add(tt.after))); math.Abs(got-tt.want) > 1e-5 {
			t.Errorf("after %v: latency = %.6fms, want %.6fms", tt.after, got, tt.want)
		}
	}
}

func TestObserveOutOfOrderKeepsNewestStamp(t *testing.T) {
	clock := testclock.New()
	e := NewEndpoint(1)
	start := clock.Now()
	e.Observe(time.Second, start.Add(decayTime))
	e.Observe(time.Second, start) // reported late by a slower goroutine
	if got := ms(e.Latency(start.Add(decayTime))); got != 1000 {
		t.Fatalf("latency = %.3fms, want 1000ms: the stamp moved backwards", got)
	}
}

func TestObserveNegativeLatencyCountsAsZero(t *testing.T) {
	clock := testclock.New()
	e := NewEndpoint(1)
	e.Observe(-time.Second, clock.Now())
	if got := e.Latency(clock.Now()); got != 0 {
		t.Fatalf("latency = %v, want 0", got)
	}
}

func ms(d time.Duration) float64 {
	return float64(d) / float64(time.Millisecond)
}
