// Command report turns the JSON results of bench/run.sh into the tables of
// bench/README.md: per scenario, each target's latency, its added latency
// over the floor (the upstream reached directly) and the ratio of that to
// reverse_proxy's, then the targets with a verdict each. With
// several repetitions (BENCH_REPEAT) a table has one row per target per
// repetition, and a verdict compares the medians across repetitions.
//
//	report [-machine machine.txt] results/json
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// result mirrors bench/load's JSON (the fields the report uses).
type result struct {
	Scenario         string         `json:"scenario"`
	Target           string         `json:"target"`
	Rep              int            `json:"rep"` // from 1; absent (0) in results from before repetitions
	Mode             string         `json:"mode"`
	Requests         int            `json:"requests"`
	OK               int            `json:"ok"`
	Errors           map[string]int `json:"errors"`
	RPS              float64        `json:"rps"`
	TTFB             latency        `json:"ttfb_ms"`
	Total            latency        `json:"total_ms"`
	DispatchLagMaxMS float64        `json:"dispatch_lag_max_ms"`
	LoadAvg1         float64        `json:"loadavg_1m"`
	Gateway          *struct {
		CPUSeconds          float64 `json:"cpu_seconds"`
		CPUMicrosPerRequest float64 `json:"cpu_us_per_request"`
		PeakRSSMB           float64 `json:"peak_rss_mb"`
	} `json:"gateway"`
	Concurrency int       `json:"concurrency"`
	Open        *snapshot `json:"open"` // hold: every stream open
	Idle        *snapshot `json:"idle"` // hold: before the first stream
}

// snapshot is the gateway's memory and goroutines at one moment.
type snapshot struct {
	RSSMB      float64 `json:"rss_mb"`
	AnonMB     float64 `json:"anon_mb"`
	FileMB     float64 `json:"file_mb"`
	Goroutines int     `json:"goroutines"`
}

type latency struct {
	P50, P90, P99, Max, Mean float64
}

var targetOrder = []string{"direct", "reverse_proxy", "ai_passthrough", "ai_translated",
	"ai_responses_pass", "ai_responses_translated", "ai_gemini_pass", "ai_gemini_translated"}

func main() {
	machine := flag.String("machine", "", "file describing the machine, printed first")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: report [-machine file] <json dir>")
		os.Exit(2)
	}
	scenarios, err := load(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
	w := os.Stdout
	if *machine != "" {
		if b, err := os.ReadFile(*machine); err == nil {
			fmt.Fprintf(w, "```\n%s```\n\n", b)
		}
	}
	write(w, scenarios)
}

// write prints every scenario's table, by name, then the verdicts.
func write(w io.Writer, scenarios map[string][]map[string]*result) {
	for _, n := range slices.Sorted(maps.Keys(scenarios)) {
		table(w, n, scenarios[n])
	}
	verdicts(w, scenarios)
}

// load reads every result file of dir: per scenario, its repetitions.
func load(dir string) (map[string][]map[string]*result, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	all := map[string][]*result{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var r result
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, fmt.Errorf("%s: %v", f, err)
		}
		r.Rep = max(r.Rep, 1)
		all[r.Scenario] = append(all[r.Scenario], &r)
	}
	out := map[string][]map[string]*result{}
	for name, rs := range all {
		out[name] = byRep(rs)
	}
	return out, nil
}

// byRep turns a scenario's results into one map (target → result) per
// repetition, in repetition order. Every figure that compares targets
// (added latency, ratios, verdicts) compares them within one of these
// maps: the targets of one repetition ran one right after the other.
func byRep(rs []*result) []map[string]*result {
	reps := map[int]map[string]*result{}
	for _, r := range rs {
		if reps[r.Rep] == nil {
			reps[r.Rep] = map[string]*result{}
		}
		reps[r.Rep][r.Target] = r
	}
	var out []map[string]*result
	for _, n := range slices.Sorted(maps.Keys(reps)) {
		out = append(out, reps[n])
	}
	return out
}

// label names a table row: repetitions after the first get "#N", so a
// single repetition's table reads as before repetitions existed.
func label(r *result) string {
	if r.Rep >= 2 {
		return fmt.Sprintf("%s #%d", r.Target, r.Rep)
	}
	return r.Target
}

func table(w io.Writer, name string, reps []map[string]*result) {
	fmt.Fprintf(w, "### %s\n\n", name)
	if any := first(reps); any != nil && any.Mode == "hold" {
		fmt.Fprintln(w, "| target | streams ok | errors | TTFB p50 / p99 ms | RSS idle → all open MB | of it anonymous / file-backed MB | KB per stream | goroutines with all open | peak RSS MB |")
		fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|")
		for _, rs := range reps {
			for _, t := range targetOrder {
				r := rs[t]
				if r == nil {
					continue
				}
				rss, split, per, gor := "-", "-", "-", "-"
				if r.Open != nil {
					rss, gor = fmt.Sprintf("%.1f", r.Open.RSSMB), fmt.Sprint(r.Open.Goroutines)
					split = fmt.Sprintf("%.1f / %.1f", r.Open.AnonMB, r.Open.FileMB)
					if r.Idle != nil && r.Concurrency > 0 {
						rss = fmt.Sprintf("%.1f → %.1f", r.Idle.RSSMB, r.Open.RSSMB)
						per = fmt.Sprintf("%.0f", (r.Open.RSSMB-r.Idle.RSSMB)*1024/float64(r.Concurrency))
					}
				}
				fmt.Fprintf(w, "| %s | %d/%d | %s | %.2f / %.2f | %s | %s | %s | %s | %s |\n", label(r), r.OK, r.Requests, errs(r),
					r.TTFB.P50, r.TTFB.P99, rss, split, per, gor, peak(r))
			}
		}
		fmt.Fprintln(w)
		return
	}
	// For streams the time to the first event is what the gateway can
	// delay; the total is the upstream's pacing.
	of, basis := func(r *result) latency { return r.Total }, "total"
	if strings.Contains(name, "stream") {
		of, basis = func(r *result) latency { return r.TTFB }, "TTFB"
	}
	fmt.Fprintf(w, "| target | ok/sent | errors | RPS | TTFB p50 / p99 ms | total p50 / p90 / p99 / max ms | added %s p50 / p99 ms | added ÷ reverse_proxy's (p50 / p99) | CPU µs/req | peak RSS MB | loadavg |\n", basis)
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|")
	var warnings []string
	for _, rs := range reps {
		floor, rp := rs["direct"], rs["reverse_proxy"]
		for _, t := range targetOrder {
			r := rs[t]
			if r == nil {
				continue
			}
			added, ratio := "-", "-"
			if floor != nil && t != "direct" {
				a50, a99 := of(r).P50-of(floor).P50, of(r).P99-of(floor).P99
				added = fmt.Sprintf("%+.3f / %+.3f", a50, a99)
				if rp != nil && t != "reverse_proxy" {
					ratio = fmt.Sprintf("%s / %s", div(a50, of(rp).P50-of(floor).P50), div(a99, of(rp).P99-of(floor).P99))
				}
			}
			cpu := "-"
			if r.Gateway != nil {
				cpu = fmt.Sprintf("%.1f", r.Gateway.CPUMicrosPerRequest)
			}
			fmt.Fprintf(w, "| %s | %d/%d | %s | %.0f | %.2f / %.2f | %.2f / %.2f / %.2f / %.2f | %s | %s | %s | %s | %.1f |\n",
				label(r), r.OK, r.Requests, errs(r), r.RPS, r.TTFB.P50, r.TTFB.P99,
				r.Total.P50, r.Total.P90, r.Total.P99, r.Total.Max, added, ratio, cpu, peak(r), r.LoadAvg1)
		}
		if floor != nil && floor.Total.P99 > 4*floor.Total.P50+5 {
			where := ""
			if len(reps) > 1 {
				where = fmt.Sprintf(" in repetition %d", floor.Rep)
			}
			warnings = append(warnings, fmt.Sprintf("**Warning**: the floor itself was disturbed%s (direct p99 %.1f ms for a p50 of %.1f ms): something else loaded the machine during this scenario; its tail figures compare nothing. Run it again.\n\n",
				where, floor.Total.P99, floor.Total.P50))
		}
	}
	fmt.Fprintln(w)
	for _, s := range warnings {
		fmt.Fprint(w, s)
	}
}

// first is any result of the scenario (they share its mode).
func first(reps []map[string]*result) *result {
	for _, rs := range reps {
		for _, r := range rs {
			return r
		}
	}
	return nil
}

func errs(r *result) string {
	if len(r.Errors) == 0 {
		return "0"
	}
	var parts []string
	for k, v := range r.Errors {
		parts = append(parts, fmt.Sprintf("%s: %d", k, v))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

func peak(r *result) string {
	if r.Gateway == nil {
		return "-"
	}
	return fmt.Sprintf("%.1f", r.Gateway.PeakRSSMB)
}

// div is a/b, or "n/a" when b is too small to divide by meaningfully
// (reverse_proxy adding nothing measurable, or noise making it negative),
// or "at floor" when a is not above the floor.
func div(a, b float64) string {
	switch {
	case b < 0.005:
		return "n/a"
	case a <= 0:
		return "at floor"
	}
	return fmt.Sprintf("%.2f×", a/b)
}
