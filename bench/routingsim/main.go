// Command routingsim is the routing simulation benchmark of issue 4: it
// drives a synthetic workload through every built-in routing strategy over
// a simulated fleet in which one provider fails every request, using the
// gateway's own mechanics (live EWMA statistics, per-deployment circuit
// breakers, retries with backoff, fallback) on a virtual clock, and prints
// cost, latency and success per strategy next to a cheapest-capable
// oracle.
//
//	go run ./bench/routingsim [-n 20000] [-seed 1] [-weights c,l,r] [-grid] [-success-alpha 0.1]
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/sira-ai/caddy-ai-backends/routing"
)

// options are the command line.
type options struct {
	n            int
	seed         uint64
	grid         bool
	weights      []routing.Weights // extra intelligent rows
	successAlpha float64
}

func main() {
	var o options
	var weights string
	flag.IntVar(&o.n, "n", 20_000, "requests per strategy")
	flag.Uint64Var(&o.seed, "seed", 1, "random seed (workload and upstream behaviour)")
	flag.BoolVar(&o.grid, "grid", false, "also search the intelligent strategy's weights")
	flag.StringVar(&weights, "weights", recommendedWeightsFlag,
		`extra intelligent row with these weights, "cost,latency,reliability" ("" for none)`)
	flag.Float64Var(&o.successAlpha, "success-alpha", statsAlpha,
		"what-if: smoothing of the success-rate EWMA (the handler uses 0.1)")
	flag.Parse()
	var err error
	if o.weights, err = parseWeights(weights); err == nil {
		err = report(os.Stdout, o)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "routingsim:", err)
		os.Exit(1)
	}
}

func report(w io.Writer, o options) error {
	if o.n <= 0 {
		return fmt.Errorf("-n must be positive, got %d", o.n)
	}
	if !(o.successAlpha > 0 && o.successAlpha <= 1) {
		return fmt.Errorf("-success-alpha must be in (0, 1], got %v", o.successAlpha)
	}
	b := newBench(o.n, o.seed)
	b.set.SuccessAlpha = o.successAlpha
	rows, oracle, err := b.all()
	if err != nil {
		return err
	}
	for _, wt := range o.weights {
		row, err := b.strategy("intelligent ("+weightsLabel(wt)+")", routing.StrategyIntelligent, wt)
		if err != nil {
			return err
		}
		rows = append(rows, row)
	}
	fmt.Fprintf(w, "%d requests, seed %d, success EWMA alpha %g; %s fails every request\n\n",
		o.n, o.seed, o.successAlpha, brokenID(b.fleet))
	all := append(rows, oracle)
	writeTable(w, all, oracle)
	fmt.Fprintln(w, "\nFailed requests, by the last error they met:")
	writeFailures(w, all)
	if !o.grid {
		return nil
	}
	res, err := b.searchWeights(weightGrid)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nIntelligent strategy by weights:")
	g := make([]summary, len(res))
	for i, r := range res {
		g[i] = r.Result
	}
	writeTable(w, g, oracle)
	return nil
}

func brokenID(fleet []deployment) string {
	for i := range fleet {
		if fleet[i].Behave.Broken {
			return fleet[i].ID()
		}
	}
	return "nothing"
}

// parseWeights reads "cost,latency,reliability"; "" means none.
func parseWeights(s string) ([]routing.Weights, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	if len(parts) != 3 {
		return nil, fmt.Errorf("-weights wants cost,latency,reliability, got %q", s)
	}
	var v [3]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return nil, fmt.Errorf("-weights: %v", err)
		}
		v[i] = f
	}
	return []routing.Weights{{Cost: v[0], Latency: v[1], Reliability: v[2]}}, nil
}
