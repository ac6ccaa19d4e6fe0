package main

import (
	"fmt"
	"io"
	"slices"
	"time"
)

// summary is one row of the table: a router's results over the workload.
type summary struct {
	Name           string
	Requests       int
	Succeeded      int
	CostUSD        float64 // total billed
	P50, P99       time.Duration
	Attempts       int // upstream calls
	BrokenAttempts int // upstream calls to the broken deployment
	// Failures counts failed requests by the last error they met.
	Failures map[string]int
}

// CostPer1K is the bill per 1,000 requests sent (failed ones cost nothing).
func (s summary) CostPer1K() float64 {
	if s.Requests == 0 {
		return 0
	}
	return s.CostUSD / float64(s.Requests) * 1000
}

// SuccessRate is the share of requests that got an answer.
func (s summary) SuccessRate() float64 {
	if s.Requests == 0 {
		return 0
	}
	return float64(s.Succeeded) / float64(s.Requests)
}

// summarize reduces the outcomes of one run. Latency percentiles cover
// every request, failed ones included (a client waits for an error too).
func summarize(name string, outs []requestOutcome) summary {
	s := summary{Name: name, Requests: len(outs)}
	lat := make([]time.Duration, len(outs))
	for i, o := range outs {
		lat[i] = o.latency
		s.Attempts += o.attempts
		s.BrokenAttempts += o.brokenAttempts
		s.CostUSD += o.cost
		if o.ok {
			s.Succeeded++
		} else {
			if s.Failures == nil {
				s.Failures = map[string]int{}
			}
			s.Failures[o.failure]++
		}
	}
	slices.Sort(lat)
	s.P50, s.P99 = percentile(lat, 0.50), percentile(lat, 0.99)
	return s
}

// percentile is the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(p*float64(len(sorted))+0.999999999) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}

// writeTable prints the rows as a Markdown table, with each row's cost
// relative to the oracle's.
func writeTable(w io.Writer, rows []summary, oracle summary) {
	fmt.Fprintln(w, "| strategy | cost / 1K req (USD) | vs oracle | p50 latency | p99 latency | success | attempts / req | calls to broken |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		fmt.Fprintf(w, "| %s | %.4f | %s | %s | %s | %.3f%% | %.3f | %d |\n",
			r.Name, r.CostPer1K(), relative(r.CostPer1K(), oracle.CostPer1K()),
			roundLatency(r.P50), roundLatency(r.P99), 100*r.SuccessRate(),
			float64(r.Attempts)/float64(max(r.Requests, 1)), r.BrokenAttempts)
	}
}

func relative(v, base float64) string {
	if base <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%+.1f%%", 100*(v-base)/base)
}

func roundLatency(d time.Duration) string {
	return fmt.Sprintf("%.2f s", d.Seconds())
}

// writeFailures lists, per row, why the failed requests failed.
func writeFailures(w io.Writer, rows []summary) {
	for _, r := range rows {
		if len(r.Failures) == 0 {
			continue
		}
		reasons := make([]string, 0, len(r.Failures))
		for why := range r.Failures {
			reasons = append(reasons, why)
		}
		slices.Sort(reasons)
		fmt.Fprintf(w, "- %s:", r.Name)
		for i, why := range reasons {
			sep := ","
			if i == 0 {
				sep = ""
			}
			fmt.Fprintf(w, "%s %d %s", sep, r.Failures[why], why)
		}
		fmt.Fprintln(w)
	}
}
