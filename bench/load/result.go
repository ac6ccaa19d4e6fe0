package main

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// recorder collects samples from concurrent requests.
type recorder struct {
	mu      sync.Mutex
	samples []sample
}

func newRecorder(capacity int) *recorder {
	return &recorder{samples: make([]sample, 0, capacity)}
}

func (r *recorder) add(s sample) {
	r.mu.Lock()
	r.samples = append(r.samples, s)
	r.mu.Unlock()
}

// result is what a run reports; latencies are in milliseconds.
type result struct {
	Name     string `json:"name,omitempty"`
	Scenario string `json:"scenario,omitempty"`
	Target   string `json:"target,omitempty"`
	Rep      int    `json:"rep"` // repetition of this scenario and target, from 1
	Mode     string `json:"mode"`

	Rate        float64 `json:"rate,omitempty"`
	Workers     int     `json:"workers,omitempty"`
	Concurrency int     `json:"concurrency,omitempty"`

	DurationS float64        `json:"duration_s"`
	Requests  int            `json:"requests"`
	OK        int            `json:"ok"`
	Errors    map[string]int `json:"errors,omitempty"`
	RPS       float64        `json:"rps"` // correct answers per second

	TTFB  latency `json:"ttfb_ms"`
	Total latency `json:"total_ms"`

	// DispatchLagMaxMS is how late the open-loop dispatcher sent its
	// latest request: a large value means the generator could not keep up
	// (the latencies still count from the due time).
	DispatchLagMaxMS float64 `json:"dispatch_lag_max_ms,omitempty"`

	// LoadAvg1 is the machine's 1-minute load average at the end of the
	// run (this run's own processes included): on a shared machine, a
	// value well above ~3 means something else competed for the CPUs.
	LoadAvg1 float64 `json:"loadavg_1m,omitempty"`

	Gateway *gatewayStats `json:"gateway,omitempty"`
	Open    *openSnapshot `json:"open,omitempty"`
	Idle    *openSnapshot `json:"idle,omitempty"` // hold: before the streams opened
}

// latency summarizes the successful requests' latencies.
type latency struct {
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

func (r *recorder) result(elapsed time.Duration) *result {
	r.mu.Lock()
	defer r.mu.Unlock()
	res := &result{DurationS: elapsed.Seconds(), Requests: len(r.samples)}
	var ttfb, total []time.Duration
	for _, s := range r.samples {
		if s.err != "" {
			if res.Errors == nil {
				res.Errors = map[string]int{}
			}
			key := s.err
			if len(key) > 80 {
				key = key[:80]
			}
			res.Errors[key]++
			continue
		}
		res.OK++
		ttfb = append(ttfb, s.ttfb)
		total = append(total, s.total)
	}
	if elapsed > 0 {
		res.RPS = float64(res.OK) / elapsed.Seconds()
	}
	res.TTFB, res.Total = summarize(ttfb), summarize(total)
	return res
}

func summarize(d []time.Duration) latency {
	if len(d) == 0 {
		return latency{}
	}
	slices.Sort(d)
	var sum time.Duration
	for _, v := range d {
		sum += v
	}
	at := func(q float64) float64 {
		i := int(q*float64(len(d))+0.5) - 1
		return ms(d[min(max(i, 0), len(d)-1)])
	}
	return latency{P50: at(0.50), P90: at(0.90), P99: at(0.99), Max: ms(d[len(d)-1]),
		Mean: ms(sum / time.Duration(len(d)))}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func (res *result) print(w io.Writer) {
	label := strings.TrimSpace(res.Scenario + " " + res.Target)
	if res.Name != "" {
		label = res.Name
	}
	fmt.Fprintf(w, "== %s (%s)\n", label, res.Mode)
	fmt.Fprintf(w, "requests %d  ok %d  rps %.1f  duration %.1fs", res.Requests, res.OK, res.RPS, res.DurationS)
	if res.DispatchLagMaxMS > 0 {
		fmt.Fprintf(w, "  dispatch lag max %.2fms", res.DispatchLagMaxMS)
	}
	fmt.Fprintln(w)
	if len(res.Errors) > 0 {
		keys := make([]string, 0, len(res.Errors))
		for k := range res.Errors {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(w, "  error %-40s %d\n", k, res.Errors[k])
		}
	}
	for _, l := range []struct {
		name string
		v    latency
	}{{"ttfb ", res.TTFB}, {"total", res.Total}} {
		fmt.Fprintf(w, "  %s ms  p50 %8.3f  p90 %8.3f  p99 %8.3f  max %8.3f  mean %8.3f\n",
			l.name, l.v.P50, l.v.P90, l.v.P99, l.v.Max, l.v.Mean)
	}
	if res.LoadAvg1 > 0 {
		fmt.Fprintf(w, "  loadavg 1m %.2f\n", res.LoadAvg1)
	}
	if g := res.Gateway; g != nil {
		fmt.Fprintf(w, "  gateway cpu %.2fs (%.1f µs/request)  peak rss %.1f MB\n", g.CPUSeconds, g.CPUMicrosPerRequest, g.PeakRSSMB)
	}
	if o := res.Open; o != nil {
		fmt.Fprintf(w, "  with all streams open: rss %.1f MB  goroutines %d\n", o.RSSMB, o.Goroutines)
	}
}
