package balance

import (
	"math"
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/internal/testclock"
)

// Latency after a few observations, each stamped at an offset from the
// start, read at the last stamp.
func TestLatencyObservations(t *testing.T) {
	type sample struct {
		at, latency time.Duration
	}
	tests := []struct {
		name    string
		samples []sample
		want    time.Duration
	}{
		{"never observed is zero", nil, 0},
		{"first observation is taken", []sample{{0, 80 * time.Millisecond}}, 80 * time.Millisecond},
		{"jumps to peaks", []sample{{0, 10 * time.Millisecond}, {time.Millisecond, 500 * time.Millisecond}}, 500 * time.Millisecond},
		// The second sample is reported late by a slower goroutine: the
		// stamp must not move backwards, or the estimate would fade.
		{"out of order keeps newest stamp", []sample{{decayTime, time.Second}, {0, time.Second}}, time.Second},
		{"negative latency counts as zero", []sample{{0, -time.Second}}, 0},
	}
	for _, tt := range tests {
		start := testclock.New().Now()
		e := NewEndpoint(1)
		var last time.Duration
		for _, s := range tt.samples {
			e.Observe(s.latency, start.Add(s.at))
			last = max(last, s.at)
		}
		if got := e.Latency(start.Add(last)); got != tt.want {
			t.Errorf("%s: latency = %v, want %v", tt.name, got, tt.want)
		}
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

func ms(d time.Duration) float64 {
	return float64(d) / float64(time.Millisecond)
}
