package aibackends

import (
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/internal/testclock"
)

func TestActivitySeriesCountsPerMinute(t *testing.T) {
	clock := testclock.New()
	s := new(activitySeries)
	s.observe(clock.Now(), http.StatusOK, 20*time.Millisecond, 100, 0.5)
	s.observe(clock.Now(), http.StatusTooManyRequests, 3*time.Millisecond, 0, 0)
	clock.Advance(time.Minute)
	for i := 0; i < 100; i++ {
		lat := 40 * time.Millisecond
		if i >= 95 {
			lat = 2 * time.Second
		}
		s.observe(clock.Now(), http.StatusOK, lat, 10, 0.01)
	}

	ov := s.overview(clock.Now())
	if len(ov.Minutes) != activityMinutes {
		t.Fatalf("%d minutes, want %d", len(ov.Minutes), activityMinutes)
	}
	prev, last := ov.Minutes[activityMinutes-2], ov.Minutes[activityMinutes-1]
	if prev.Requests != 2 || prev.Errors != 1 || prev.Tokens != 100 || prev.CostUSD != 0.5 {
		t.Errorf("previous minute = %+v", prev)
	}
	if !prev.Start.Equal(testclock.Epoch) {
		t.Errorf("previous minute starts %v, want %v", prev.Start, testclock.Epoch)
	}
	if last.Requests != 100 || last.Errors != 0 || last.Tokens != 1000 || math.Abs(last.CostUSD-1) > 1e-9 {
		t.Errorf("last minute = %+v", last)
	}
	// 95 at 40ms (the 50ms bucket), 5 at 2s (the 2.5s bucket).
	if last.Latency != (latencySummary{P50: 50, P95: 50, P99: 2500}) {
		t.Errorf("last minute latency = %+v", last.Latency)
	}
	if ov.Totals.Requests != 102 || ov.Totals.Errors != 1 || ov.Totals.Tokens != 1100 {
		t.Errorf("totals = %+v", ov.Totals)
	}
	if got := ov.Totals.ErrorRate; math.Abs(got-1.0/102) > 1e-9 {
		t.Errorf("error rate %v", got)
	}
}

func TestActivitySeriesForgetsAfterAnHour(t *testing.T) {
	clock := testclock.New()
	s := new(activitySeries)
	s.observe(clock.Now(), http.StatusOK, time.Millisecond, 1, 1)
	clock.Advance(59 * time.Minute)
	if got := s.overview(clock.Now()).Totals.Requests; got != 1 {
		t.Fatalf("59 minutes later: %d requests, want 1", got)
	}
	clock.Advance(time.Minute)
	if got := s.overview(clock.Now()).Totals; got.Requests != 0 || got.CostUSD != 0 {
		t.Fatalf("an hour later: %+v, want nothing", got)
	}
	// The reused bucket starts from zero for its new minute.
	s.observe(clock.Now(), http.StatusOK, time.Minute*5, 1, 0)
	ov := s.overview(clock.Now())
	if last := ov.Minutes[activityMinutes-1]; last.Requests != 1 || last.CostUSD != 0 || last.Latency.P99 != -1 {
		t.Fatalf("new minute = %+v", last)
	}
}

func TestActivitySeriesSaturatesAndIgnoresBadCost(t *testing.T) {
	clock := testclock.New()
	s := new(activitySeries)
	s.observe(clock.Now(), http.StatusOK, 0, math.MaxInt, math.NaN())
	s.observe(clock.Now(), http.StatusOK, 0, math.MaxInt, math.Inf(1))
	got := s.overview(clock.Now()).Totals
	if got.Tokens != math.MaxInt64 || got.CostUSD != 0 {
		t.Fatalf("totals = %+v, want saturated tokens and no cost", got)
	}
}

func BenchmarkActivityObserve(b *testing.B) {
	s := new(activitySeries)
	now := time.Now()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			s.observe(now, http.StatusOK, 30*time.Millisecond, 50, 0.001)
		}
	})
}
