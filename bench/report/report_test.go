package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeResult writes one result file as bench/load does (its field names),
// with the same figure for TTFB and total.
func writeResult(t *testing.T, dir, scenario, target string, rep int, p50, p99 float64) {
	t.Helper()
	lat := fmt.Sprintf(`{"p50": %g, "p90": %g, "p99": %g, "max": %g, "mean": %g}`, p50, p50, p99, p99, p50)
	js := fmt.Sprintf(`{"scenario": %q, "target": %q, "rep": %d, "mode": "open", "requests": 100, "ok": 100,
		"rps": 500, "ttfb_ms": %s, "total_ms": %s}`, scenario, target, rep, lat, lat)
	name := filepath.Join(dir, fmt.Sprintf("%s-%s-r%d.json", scenario, target, rep))
	if err := os.WriteFile(name, []byte(js), 0o644); err != nil {
		t.Fatal(err)
	}
}

func report(t *testing.T, dir string) string {
	t.Helper()
	sc, err := load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	write(&b, sc)
	return b.String()
}

// rows is the first cell of every table row after the header.
func rows(out string) []string {
	var cells []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "| ") && !strings.HasPrefix(l, "| target ") {
			cells = append(cells, strings.TrimSpace(strings.Split(l, "|")[1]))
		}
	}
	return cells
}

// Three repetitions of open500_d0, the second disturbed for ai_passthrough
// alone (3× reverse_proxy's added latency): the verdict decides on the
// medians (+0.48 vs +0.40 ms: 1.20×, met) and shows each repetition.
func TestRepetitionsUseMedians(t *testing.T) {
	dir := t.TempDir()
	for _, r := range []struct {
		rep         int
		floor, rp   float64
		passthrough float64
	}{
		{1, 1.0, 1.40, 1.44},
		{2, 1.0, 1.30, 1.90},
		{3, 1.0, 1.42, 1.48},
	} {
		writeResult(t, dir, "open500_d0", "direct", r.rep, r.floor, r.floor+2)
		writeResult(t, dir, "open500_d0", "reverse_proxy", r.rep, r.rp, r.rp+2)
		writeResult(t, dir, "open500_d0", "ai_passthrough", r.rep, r.passthrough, r.passthrough+2)
	}
	out := report(t, dir)

	want := []string{"direct", "reverse_proxy", "ai_passthrough",
		"direct #2", "reverse_proxy #2", "ai_passthrough #2",
		"direct #3", "reverse_proxy #3", "ai_passthrough #3"}
	if got := rows(out); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("rows %q, want %q", got, want)
	}
	// Each row compares with its own repetition's floor and reverse_proxy.
	if !strings.Contains(out, "| ai_passthrough #2 | 100/100 | 0 | 500 | 1.90 / 3.90 | 1.90 / 1.90 / 3.90 / 3.90 | +0.900 / +0.900 | 3.00× / 3.00× |") {
		t.Errorf("no row for the disturbed repetition:\n%s", out)
	}
	for _, l := range []string{
		"- **MET   ** open500_d0: added p50 latency ≤ 1.25× reverse_proxy's: ai_backends +0.480 ms, reverse_proxy +0.400 ms (median 1.14×; per repetition 1.10× 3.00× 1.14×)",
		"- **MET   ** open500_d0: added p99 latency ≤ 1.25× reverse_proxy's: ai_backends +0.480 ms, reverse_proxy +0.400 ms (median 1.14×; per repetition 1.10× 3.00× 1.14×)",
	} {
		if !strings.Contains(out, l+"\n") {
			t.Errorf("want line\n%s\nin\n%s", l, out)
		}
	}
}

// One repetition reports as before repetitions existed: plain labels and
// no per-repetition part; a result without "rep" counts as repetition 1.
func TestSingleRepetition(t *testing.T) {
	dir := t.TempDir()
	writeResult(t, dir, "open500_d0", "direct", 1, 1.0, 3.0)
	writeResult(t, dir, "open500_d0", "reverse_proxy", 1, 1.4, 3.4)
	old := `{"scenario": "open500_d0", "target": "ai_passthrough", "mode": "open", "requests": 100, "ok": 100,
		"total_ms": {"p50": 1.9, "p99": 3.9}}`
	if err := os.WriteFile(filepath.Join(dir, "open500_d0-ai_passthrough.json"), []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	out := report(t, dir)
	if got := strings.Join(rows(out), ","); got != "direct,reverse_proxy,ai_passthrough" {
		t.Errorf("rows %s", got)
	}
	l := "- **MISSED** open500_d0: added p50 latency ≤ 1.25× reverse_proxy's: ai_backends +0.900 ms, reverse_proxy +0.400 ms (2.25×)\n"
	if !strings.Contains(out, l) || strings.Contains(out, "per repetition") {
		t.Errorf("want line\n%sand no per-repetition part in\n%s", l, out)
	}
}

// Hold: a repetition that lost a stream fails the target whatever the
// median RSS; the counts add up over the repetitions.
func TestHoldRepetitions(t *testing.T) {
	dir := t.TempDir()
	for rep, rss := range []float64{90, 140, 95} {
		ok := 1000
		if rep == 2 {
			ok = 999
		}
		js := fmt.Sprintf(`{"scenario": "hold1000", "target": "ai_passthrough", "rep": %d, "mode": "hold",
			"requests": 1000, "ok": %d, "concurrency": 1000, "open": {"rss_mb": %g, "goroutines": 4014},
			"gateway": {"peak_rss_mb": %g}}`, rep+1, ok, rss, rss+5)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("h-%d.json", rep)), []byte(js), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := report(t, dir)
	if got := strings.Join(rows(out), ","); got != "ai_passthrough,ai_passthrough #2,ai_passthrough #3" {
		t.Errorf("rows %s", got)
	}
	l := "- **MISSED** hold1000 ai_passthrough: RSS ≤ 100 MB with 1,000 streams open: 95.0 MB (peak 100.0 MB; per repetition 90.0 140.0 95.0), 4014 goroutines, 2999/3000 streams complete\n"
	if !strings.Contains(out, l) {
		t.Errorf("want line\n%sin\n%s", l, out)
	}
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		xs   []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := median(c.xs); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.xs, got, c.want)
		}
	}
}
