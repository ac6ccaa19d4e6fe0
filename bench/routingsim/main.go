// Command routingsim is the routing simulation benchmark of issue 4: it
// drives a synthetic workload through every built-in routing strategy over
// a simulated fleet in which one provider fails every request, using the
// gateway's own mechanics (live EWMA statistics, per-deployment circuit
// breakers, retries with backoff, fallback) on a virtual clock, and prints
// cost, latency and success per strategy next to a cheapest-capable
// oracle.
//
//	go run ./bench/routingsim [-n 20000] [-seed 1] [-grid]
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	n := flag.Int("n", 20_000, "requests per strategy")
	seed := flag.Uint64("seed", 1, "random seed (workload and upstream behaviour)")
	grid := flag.Bool("grid", false, "also search the intelligent strategy's weights")
	flag.Parse()
	if err := report(os.Stdout, *n, *seed, *grid); err != nil {
		fmt.Fprintln(os.Stderr, "routingsim:", err)
		os.Exit(1)
	}
}

func report(w io.Writer, n int, seed uint64, grid bool) error {
	if n <= 0 {
		return fmt.Errorf("-n must be positive, got %d", n)
	}
	rows, oracle, err := runAll(n, seed)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%d requests, seed %d; %s fails every request\n\n", n, seed, brokenID(defaultFleet()))
	writeTable(w, append(rows, oracle), oracle)
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
