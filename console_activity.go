package aibackends

import (
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// activityMinutes is the overview's window: the last hour, a bucket a minute.
const activityMinutes = 60

// latencyBoundsMS are the upper bounds of the latency histogram each minute
// keeps, in milliseconds; a last, open bucket holds everything slower. The
// percentiles the overview reports are these bounds (a percentile is "at
// most this"), which is as exact as a glance at a chart needs.
var latencyBoundsMS = [...]float64{5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 120000}

const latencyBuckets = len(latencyBoundsMS) + 1

// activitySeries counts the gateway's requests per minute over the last
// hour, for the console's overview. It is fed once per request from
// finish with atomic adds only: a bucket's lock is taken just when a new
// minute reuses it (once a minute), so the request path neither allocates
// nor contends here. A request counted into a bucket while another
// goroutine recycles it may be lost; for an operator's chart that is fine.
type activitySeries struct {
	buckets [activityMinutes]activityBucket
}

type activityBucket struct {
	mu       sync.Mutex   // held only to recycle the bucket for a new minute
	minute   atomic.Int64 // unix minute the counters belong to
	requests atomic.Int64
	errors   atomic.Int64
	tokens   atomic.Int64
	costBits atomic.Uint64 // float64 USD, added by compare-and-swap
	latency  [latencyBuckets]atomic.Int64
}

// processActivity is the one series of this process: the overview describes
// the gateway, whatever handlers and reloads served the requests.
var processActivity = new(activitySeries)

// observe counts one finished request. An error is any answer of 400 or
// above: the overview shows what clients saw fail.
func (s *activitySeries) observe(now time.Time, status int, latency time.Duration, tokens int, cost float64) {
	m := now.Unix() / 60
	b := &s.buckets[m%activityMinutes]
	if b.minute.Load() != m {
		b.recycle(m)
	}
	b.requests.Add(1)
	if status >= 400 {
		b.errors.Add(1)
	}
	if tokens > 0 {
		addSaturating(&b.tokens, int64(tokens))
	}
	if cost > 0 && !math.IsInf(cost, 0) && !math.IsNaN(cost) {
		for {
			old := b.costBits.Load()
			if b.costBits.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+cost)) {
				break
			}
		}
	}
	b.latency[latencyBucket(latency)].Add(1)
}

// recycle empties the bucket for minute m unless another goroutine already
// did. A bucket ahead of m (a clock that went back) is left alone.
func (b *activityBucket) recycle(m int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.minute.Load() >= m {
		return
	}
	b.requests.Store(0)
	b.errors.Store(0)
	b.tokens.Store(0)
	b.costBits.Store(0)
	for i := range b.latency {
		b.latency[i].Store(0)
	}
	b.minute.Store(m)
}

// addSaturating adds d (> 0) to n, stopping at the largest int64.
func addSaturating(n *atomic.Int64, d int64) {
	for {
		old := n.Load()
		sum := old + d
		if sum < old {
			sum = math.MaxInt64
		}
		if n.CompareAndSwap(old, sum) {
			return
		}
	}
}

func latencyBucket(d time.Duration) int {
	ms := float64(d) / float64(time.Millisecond)
	for i, bound := range latencyBoundsMS {
		if ms <= bound {
			return i
		}
	}
	return len(latencyBoundsMS)
}

// activityMinute is one minute of the overview.
type activityMinute struct {
	Start    time.Time      `json:"start"`
	Requests int64          `json:"requests"`
	Errors   int64          `json:"errors"`
	Tokens   int64          `json:"tokens"`
	CostUSD  float64        `json:"cost_usd"`
	Latency  latencySummary `json:"latency_ms"`
	hist     [latencyBuckets]int64
}

// latencySummary gives percentiles as histogram bounds in milliseconds; 0
// when there were no requests, -1 when beyond the last bound.
type latencySummary struct {
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	P99 float64 `json:"p99"`
}

// activityOverview is the body of GET /ai_backends/overview.
type activityOverview struct {
	Now           time.Time        `json:"now"`
	WindowMinutes int              `json:"window_minutes"`
	Totals        activityTotals   `json:"totals"`
	Minutes       []activityMinute `json:"minutes"`
}

type activityTotals struct {
	Requests  int64          `json:"requests"`
	Errors    int64          `json:"errors"`
	ErrorRate float64        `json:"error_rate"`
	Tokens    int64          `json:"tokens"`
	CostUSD   float64        `json:"cost_usd"`
	Latency   latencySummary `json:"latency_ms"`
}

// overview reads the last hour up to now, oldest minute first, one entry
// per minute (zero where nothing happened).
func (s *activitySeries) overview(now time.Time) activityOverview {
	cur := now.Unix() / 60
	out := activityOverview{Now: now.UTC(), WindowMinutes: activityMinutes, Minutes: make([]activityMinute, 0, activityMinutes)}
	var total [latencyBuckets]int64
	for m := cur - activityMinutes + 1; m <= cur; m++ {
		am := activityMinute{Start: time.Unix(m*60, 0).UTC()}
		b := &s.buckets[((m%activityMinutes)+activityMinutes)%activityMinutes]
		if b.minute.Load() == m {
			am.Requests, am.Errors, am.Tokens = b.requests.Load(), b.errors.Load(), b.tokens.Load()
			am.CostUSD = math.Float64frombits(b.costBits.Load())
			for i := range b.latency {
				am.hist[i] = b.latency[i].Load()
				total[i] += am.hist[i]
			}
			am.Latency = summarize(&am.hist)
		}
		out.Totals.Requests += am.Requests
		out.Totals.Errors += am.Errors
		out.Totals.Tokens = satAdd64(out.Totals.Tokens, am.Tokens)
		out.Totals.CostUSD += am.CostUSD
		out.Minutes = append(out.Minutes, am)
	}
	if out.Totals.Requests > 0 {
		out.Totals.ErrorRate = float64(out.Totals.Errors) / float64(out.Totals.Requests)
	}
	out.Totals.Latency = summarize(&total)
	return out
}

func satAdd64(a, b int64) int64 {
	if s := a + b; s >= a {
		return s
	}
	return math.MaxInt64
}

func summarize(h *[latencyBuckets]int64) latencySummary {
	var n int64
	for _, c := range h {
		n += c
	}
	if n == 0 {
		return latencySummary{}
	}
	return latencySummary{P50: percentileBound(h, n, 0.50), P95: percentileBound(h, n, 0.95), P99: percentileBound(h, n, 0.99)}
}

// percentileBound is the upper bound of the bucket holding the q-th
// quantile of n observations.
func percentileBound(h *[latencyBuckets]int64, n int64, q float64) float64 {
	rank := int64(math.Ceil(q * float64(n)))
	var seen int64
	for i, c := range h {
		seen += c
		if seen >= rank {
			if i < len(latencyBoundsMS) {
				return latencyBoundsMS[i]
			}
			return -1
		}
	}
	return -1
}
