package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// verdicts checks the targets, each as measured side by side in
// this run. A target whose inputs are missing (scenario not run) is
// skipped.
func verdicts(w io.Writer, sc map[string]map[string]*result) {
	fmt.Fprintln(w, "### Targets")
	fmt.Fprintln(w)
	for _, name := range []string{"open500_d0", "open500_d50"} {
		rs := sc[name]
		floor, rp, ai := get(rs, "direct"), get(rs, "reverse_proxy"), get(rs, "ai_passthrough")
		if floor == nil || rp == nil || ai == nil {
			continue
		}
		for _, q := range []struct {
			label   string
			f, r, a float64
		}{
			{label: "p50", f: floor.Total.P50, r: rp.Total.P50, a: ai.Total.P50},
			{label: "p99", f: floor.Total.P99, r: rp.Total.P99, a: ai.Total.P99},
		} {
			addedRP, addedAI := q.r-q.f, q.a-q.f
			ok := addedAI <= 1.25*addedRP || addedAI <= 0.05 // within 50 µs of the floor: below measurement noise
			verdict(w, ok, "%s: added %s latency ≤ 1.25× reverse_proxy's: ai_backends %+.3f ms, reverse_proxy %+.3f ms (%s)",
				name, q.label, addedAI, addedRP, div(addedAI, addedRP))
		}
	}
	if rs := sc["closed64"]; get(rs, "reverse_proxy") != nil && get(rs, "ai_passthrough") != nil {
		rp, ai := rs["reverse_proxy"], rs["ai_passthrough"]
		verdict(w, ai.RPS >= 0.8*rp.RPS, "closed64: throughput ≥ 0.8× reverse_proxy's: %.0f vs %.0f RPS (%.2f×)",
			ai.RPS, rp.RPS, ai.RPS/rp.RPS)
		if tr := get(rs, "ai_translated"); tr != nil {
			note(w, "closed64: translated throughput %.0f RPS (%.2f× reverse_proxy's)", tr.RPS, tr.RPS/rp.RPS)
		}
	}
	if rs := sc["stream200"]; get(rs, "direct") != nil && get(rs, "ai_passthrough") != nil {
		floor, ai := rs["direct"], rs["ai_passthrough"]
		over := ai.TTFB.P99 - floor.TTFB.P99
		verdict(w, over <= 1, "stream200: streaming TTFB overhead ≤ 1 ms at p99: %+.3f ms (p99 %.3f vs floor %.3f)",
			over, ai.TTFB.P99, floor.TTFB.P99)
		if rp := get(rs, "reverse_proxy"); rp != nil {
			note(w, "stream200: reverse_proxy's TTFB overhead at p99: %+.3f ms", rp.TTFB.P99-floor.TTFB.P99)
		}
		if tr := get(rs, "ai_translated"); tr != nil {
			note(w, "stream200: translated TTFB overhead at p99: %+.3f ms", tr.TTFB.P99-floor.TTFB.P99)
		}
	}
	if rs := sc["open500_d0"]; get(rs, "ai_passthrough") != nil && get(rs, "ai_translated") != nil {
		pt, tr := rs["ai_passthrough"], rs["ai_translated"]
		if pt.Gateway != nil && tr.Gateway != nil {
			cpu := tr.Gateway.CPUMicrosPerRequest - pt.Gateway.CPUMicrosPerRequest
			verdict(w, cpu <= 50, "open500_d0: translation adds ≤ 50 µs per request (gateway CPU): %+.1f µs (%.1f vs %.1f µs/request)",
				cpu, tr.Gateway.CPUMicrosPerRequest, pt.Gateway.CPUMicrosPerRequest)
		}
		note(w, "open500_d0: translated minus pass-through latency: p50 %+.3f ms, p99 %+.3f ms",
			tr.Total.P50-pt.Total.P50, tr.Total.P99-pt.Total.P99)
	}
	// Every variant of hold1000 (hold1000_h2c: HTTP/2 to the upstream) has
	// the same target; a variant also shows what it changed from hold1000.
	var holds []string
	for name := range sc {
		if strings.HasPrefix(name, "hold1000") {
			holds = append(holds, name)
		}
	}
	sort.Strings(holds)
	for _, name := range holds {
		rs := sc[name]
		for _, t := range []string{"ai_passthrough", "ai_translated"} {
			r := get(rs, t)
			if r == nil || r.Open == nil {
				continue
			}
			verdict(w, r.Open.RSSMB <= 100 && r.OK == r.Requests,
				"%s %s: RSS ≤ 100 MB with 1,000 streams open: %.1f MB (peak %s MB), %d goroutines, %d/%d streams complete",
				name, t, r.Open.RSSMB, peak(r), r.Open.Goroutines, r.OK, r.Requests)
		}
		if name == "hold1000" {
			continue
		}
		for _, t := range []string{"reverse_proxy", "ai_passthrough", "ai_translated"} {
			base, r := get(sc["hold1000"], t), get(rs, t)
			if base == nil || r == nil || base.Open == nil || r.Open == nil {
				continue
			}
			note(w, "%s %s vs hold1000: RSS with all open %.1f → %.1f MB (%+.1f), goroutines %d → %d",
				name, t, base.Open.RSSMB, r.Open.RSSMB, r.Open.RSSMB-base.Open.RSSMB, base.Open.Goroutines, r.Open.Goroutines)
		}
	}
	fmt.Fprintln(w)
}

func get(rs map[string]*result, target string) *result {
	if rs == nil {
		return nil
	}
	return rs[target]
}

func verdict(w io.Writer, ok bool, format string, args ...any) {
	mark := "MET   "
	if !ok {
		mark = "MISSED"
	}
	fmt.Fprintf(w, "- **%s** %s\n", mark, fmt.Sprintf(format, args...))
}

func note(w io.Writer, format string, args ...any) {
	fmt.Fprintf(w, "- info   %s\n", fmt.Sprintf(format, args...))
}
