package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"
)

// verdicts checks the targets, each as measured side by side in
// this run. A target whose inputs are missing (scenario not run) is
// skipped. With several repetitions each figure is first computed within
// a repetition (its own floor and reverse_proxy), then the line gives the
// median across repetitions, which decides MET or MISSED, and the
// per-repetition values: one disturbed repetition moves the median little.
func verdicts(w io.Writer, sc map[string][]map[string]*result) {
	fmt.Fprintln(w, "### Targets")
	fmt.Fprintln(w)
	for _, name := range []string{"open500_d0", "open500_d50"} {
		reps := with(sc[name], "direct", "reverse_proxy", "ai_passthrough")
		if len(reps) == 0 {
			continue
		}
		for _, q := range []struct {
			label string
			of    func(l latency) float64
		}{
			{"p50", func(l latency) float64 { return l.P50 }},
			{"p99", func(l latency) float64 { return l.P99 }},
		} {
			var addedRP, addedAI, ratio []float64
			var ratios []string
			for _, rs := range reps {
				f := q.of(rs["direct"].Total)
				r, a := q.of(rs["reverse_proxy"].Total)-f, q.of(rs["ai_passthrough"].Total)-f
				addedRP, addedAI = append(addedRP, r), append(addedAI, a)
				ratio = append(ratio, pairedRatio(a, r))
				ratios = append(ratios, div(a, r))
			}
			// Each repetition is a side-by-side pair: the verdict takes the
			// median of the pairs' ratios, not a ratio of medians that may
			// come from different repetitions.
			m := median(ratio)
			verdict(w, m <= 1.25, "%s: added %s latency ≤ 1.25× reverse_proxy's: ai_backends %+.3f ms, reverse_proxy %+.3f ms (%s%s)",
				name, q.label, median(addedAI), median(addedRP), ratioText(m, len(reps) == 1, div(median(addedAI), median(addedRP))), perRep(ratios))
		}
	}
	if reps := with(sc["closed64"], "reverse_proxy", "ai_passthrough"); len(reps) > 0 {
		var rp, ai, tr []float64
		var ratios, trRatios []string
		for _, rs := range reps {
			r, a := rs["reverse_proxy"].RPS, rs["ai_passthrough"].RPS
			rp, ai = append(rp, r), append(ai, a)
			ratios = append(ratios, fmt.Sprintf("%.2f×", a/r))
			if t := rs["ai_translated"]; t != nil {
				tr = append(tr, t.RPS)
				trRatios = append(trRatios, fmt.Sprintf("%.2f×", t.RPS/r))
			}
		}
		r, a := median(rp), median(ai)
		verdict(w, a >= 0.8*r, "closed64: throughput ≥ 0.8× reverse_proxy's: %.0f vs %.0f RPS (%.2f×%s)",
			a, r, a/r, perRep(ratios))
		if len(tr) > 0 {
			note(w, "closed64: translated throughput %.0f RPS (%.2f× reverse_proxy's%s)", median(tr), median(tr)/r, perRep(trRatios))
		}
	}
	if reps := with(sc["stream200"], "direct", "ai_passthrough"); len(reps) > 0 {
		var over, p99, floor []float64
		for _, rs := range reps {
			f, a := rs["direct"].TTFB.P99, rs["ai_passthrough"].TTFB.P99
			over, p99, floor = append(over, a-f), append(p99, a), append(floor, f)
		}
		verdict(w, median(over) <= 1, "stream200: streaming TTFB overhead ≤ 1 ms at p99: %+.3f ms (p99 %.3f vs floor %.3f%s)",
			median(over), median(p99), median(floor), perRep(figures("%+.3f", over)))
		for _, t := range []struct{ target, label string }{
			{"reverse_proxy", "reverse_proxy's TTFB overhead"},
			{"ai_translated", "translated TTFB overhead"},
		} {
			var over []float64
			for _, rs := range with(reps, t.target) {
				over = append(over, rs[t.target].TTFB.P99-rs["direct"].TTFB.P99)
			}
			if len(over) > 0 {
				note(w, "stream200: %s at p99: %+.3f ms%s", t.label, median(over), paren(perRep(figures("%+.3f", over))))
			}
		}
	}
	if reps := with(sc["open500_d0"], "ai_passthrough", "ai_translated"); len(reps) > 0 {
		var cpu, trCPU, ptCPU, d50, d99 []float64
		for _, rs := range reps {
			pt, tr := rs["ai_passthrough"], rs["ai_translated"]
			if pt.Gateway != nil && tr.Gateway != nil {
				cpu = append(cpu, tr.Gateway.CPUMicrosPerRequest-pt.Gateway.CPUMicrosPerRequest)
				trCPU, ptCPU = append(trCPU, tr.Gateway.CPUMicrosPerRequest), append(ptCPU, pt.Gateway.CPUMicrosPerRequest)
			}
			d50, d99 = append(d50, tr.Total.P50-pt.Total.P50), append(d99, tr.Total.P99-pt.Total.P99)
		}
		if len(cpu) > 0 {
			verdict(w, median(cpu) <= 50, "open500_d0: translation adds ≤ 50 µs per request (gateway CPU): %+.1f µs (%.1f vs %.1f µs/request%s)",
				median(cpu), median(trCPU), median(ptCPU), perRep(figures("%+.1f", cpu)))
		}
		pairs := make([]string, len(d50))
		for i := range d50 {
			pairs[i] = fmt.Sprintf("%+.3f/%+.3f", d50[i], d99[i])
		}
		note(w, "open500_d0: translated minus pass-through latency: p50 %+.3f ms, p99 %+.3f ms%s",
			median(d50), median(d99), paren(perRep(pairs)))
	}
	endpointVerdicts(w, sc["endpoints500"])
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
		for _, t := range []string{"ai_passthrough", "ai_translated"} {
			var rss, peaks, gor []float64
			ok, sent := 0, 0
			for _, rs := range with(sc[name], t) {
				if r := rs[t]; r.Open != nil {
					rss, gor = append(rss, r.Open.RSSMB), append(gor, float64(r.Open.Goroutines))
					if r.Gateway != nil {
						peaks = append(peaks, r.Gateway.PeakRSSMB)
					}
					ok, sent = ok+r.OK, sent+r.Requests
				}
			}
			if len(rss) == 0 {
				continue
			}
			pk := "-"
			if len(peaks) > 0 {
				pk = fmt.Sprintf("%.1f", median(peaks))
			}
			// A lost stream is a fault, not noise: the streams count
			// over all repetitions, and one lost fails the target.
			verdict(w, median(rss) <= 100 && ok == sent,
				"%s %s: RSS ≤ 100 MB with 1,000 streams open: %.1f MB (peak %s MB%s), %.0f goroutines, %d/%d streams complete",
				name, t, median(rss), pk, perRep(figures("%.1f", rss)), median(gor), ok, sent)
		}
		if name == "hold1000" {
			continue
		}
		// The two scenarios ran apart (each with its own repetitions), so
		// only their medians compare.
		for _, t := range []string{"reverse_proxy", "ai_passthrough", "ai_translated"} {
			bRSS, bGor := openOf(sc["hold1000"], t)
			rss, gor := openOf(sc[name], t)
			if len(bRSS) == 0 || len(rss) == 0 {
				continue
			}
			b, v := median(bRSS), median(rss)
			note(w, "%s %s vs hold1000: RSS with all open %.1f → %.1f MB (%+.1f), goroutines %.0f → %.0f",
				name, t, b, v, v-b, median(bGor), median(gor))
		}
	}
	fmt.Fprintln(w)
}

// with is the repetitions in which every one of targets ran.
func with(reps []map[string]*result, targets ...string) []map[string]*result {
	var out []map[string]*result
	for _, rs := range reps {
		if !slices.ContainsFunc(targets, func(t string) bool { return rs[t] == nil }) {
			out = append(out, rs)
		}
	}
	return out
}

// openOf is a hold target's RSS (MB) and goroutines with all streams
// open, one value per repetition that has them.
func openOf(reps []map[string]*result, target string) (rss, gor []float64) {
	for _, rs := range with(reps, target) {
		if o := rs[target].Open; o != nil {
			rss, gor = append(rss, o.RSSMB), append(gor, float64(o.Goroutines))
		}
	}
	return rss, gor
}

// median of xs (the mean of the middle two for an even count): the
// figure a verdict decides on, as it ignores one disturbed repetition.
func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	n := len(s)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// perRep is "; per repetition a b c", or "" with a single repetition, so
// that a run without repetitions reports as before.
func perRep(each []string) string {
	if len(each) < 2 {
		return ""
	}
	return "; per repetition " + strings.Join(each, " ")
}

// paren puts a perRep part in parentheses of its own, for lines that had
// none.
func paren(s string) string {
	if s == "" {
		return ""
	}
	return " (" + strings.TrimPrefix(s, "; ") + ")"
}

// figures formats each of xs with f.
func figures(f string, xs []float64) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = fmt.Sprintf(f, x)
	}
	return out
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

// pairedRatio is ai's added latency over reverse_proxy's within one
// repetition: 0 when ai is within 50 µs of the floor (below measurement
// noise), +Inf when reverse_proxy added nothing and ai did.
func pairedRatio(ai, rp float64) float64 {
	switch {
	case ai <= 0.05:
		return 0
	case rp < 0.005:
		return math.Inf(1)
	}
	return ai / rp
}

// ratioText prints the deciding ratio: with one repetition as div prints it
// (single), otherwise as the median of the repetitions' ratios.
func ratioText(m float64, single bool, singleText string) string {
	switch {
	case single:
		return singleText
	case m == 0:
		return "median at floor"
	case math.IsInf(m, 1):
		return "median n/a"
	}
	return fmt.Sprintf("median %.2f×", m)
}

// endpointVerdicts checks issues 15 and 16 in endpoints500: the gateway's
// CPU per request for a Responses or Gemini-native pass-through within
// 10 % of chat pass-through's, and translation to Anthropic ≤ 50 µs more
// than the same dialect's pass-through. Each figure is taken within a
// repetition, then the median across them decides.
func endpointVerdicts(w io.Writer, reps []map[string]*result) {
	cpuOf := func(rs map[string]*result, t string) (float64, bool) {
		if r := rs[t]; r != nil && r.Gateway != nil {
			return r.Gateway.CPUMicrosPerRequest, true
		}
		return 0, false
	}
	for _, d := range []struct{ name, pass, translated string }{
		{"Responses", "ai_responses_pass", "ai_responses_translated"},
		{"Gemini", "ai_gemini_pass", "ai_gemini_translated"},
	} {
		var ratio, added []float64
		for _, rs := range reps {
			chat, ok1 := cpuOf(rs, "ai_passthrough")
			pass, ok2 := cpuOf(rs, d.pass)
			if ok1 && ok2 && chat > 0 {
				ratio = append(ratio, pass/chat)
			}
			if tr, ok3 := cpuOf(rs, d.translated); ok2 && ok3 {
				added = append(added, tr-pass)
			}
		}
		if len(ratio) > 0 {
			verdict(w, median(ratio) <= 1.10, "endpoints500: %s pass-through CPU within 10%% of chat pass-through's: %.2f×%s",
				d.name, median(ratio), perRep(figures("%.2f×", ratio)))
		}
		if len(added) > 0 {
			verdict(w, median(added) <= 50, "endpoints500: %s translation to Anthropic adds ≤ 50 µs per request (gateway CPU): %+.1f µs%s",
				d.name, median(added), perRep(figures("%+.1f", added)))
		}
	}
}
