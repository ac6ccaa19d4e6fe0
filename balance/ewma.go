package balance

import (
	"math"
	"sync"
	"time"
)

// decayTime is the time constant of the latency estimate: an observation's
// weight falls to 1/e after this long. Ten seconds follows Finagle and
// Linkerd: long enough to smooth out single slow requests, short enough to
// notice within seconds that a backend got slower or recovered.
const decayTime = 10 * time.Second

// peakEWMA is a peak-sensitive, time-weighted moving average of latency,
// in the style of Finagle's PeakEwma load metric. It jumps up at once to a
// sample above the estimate (a backend that got slow is avoided now, not
// after many slow requests) and moves down towards lower samples gradually,
// weighting each by the time since the previous one.
//
// Its two fields change together, so a mutex guards them; it is held for a
// few nanoseconds.
type peakEWMA struct {
	mu       sync.Mutex
	observed bool
	estimate float64 // nanoseconds
	stamp    time.Time
}

// Observe feeds the latency of a finished request, measured at now, into
// the endpoint's estimate. Which latency to feed (time to first byte, full
// duration) is the caller's choice; it should be the same for all
// endpoints compared by one policy.
func (e *Endpoint) Observe(latency time.Duration, now time.Time) {
	sample := float64(max(latency, 0))
	l := &e.latency
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.observed {
		l.observed, l.estimate, l.stamp = true, sample, now
		return
	}
	if sample > l.estimate {
		l.estimate = sample
	} else {
		w := decay(now.Sub(l.stamp))
		l.estimate = l.estimate*w + sample*(1-w)
	}
	// Concurrent requests may report slightly out of order; never move the
	// stamp backwards, which would let old weight count twice.
	if now.After(l.stamp) {
		l.stamp = now
	}
}

// Latency returns the endpoint's latency estimate at now, or 0 if it was
// never observed. The estimate fades towards zero while no observation
// arrives (as if a zero-latency sample were being fed continuously): an
// endpoint that was slow once and then left alone is eventually tried
// again, instead of being shunned forever on stale data.
func (e *Endpoint) Latency(now time.Time) time.Duration {
	return time.Duration(e.latencyAt(now))
}

// latencyAt is Latency in nanoseconds as a float, for cost arithmetic.
func (e *Endpoint) latencyAt(now time.Time) float64 {
	l := &e.latency
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.observed {
		return 0
	}
	return l.estimate * decay(now.Sub(l.stamp))
}

// decay returns the weight left to an estimate that is elapsed old.
func decay(elapsed time.Duration) float64 {
	if elapsed <= 0 {
		return 1
	}
	return math.Exp(-float64(elapsed) / float64(decayTime))
}
