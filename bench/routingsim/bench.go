package main

import (
	"fmt"

	"github.com/sira-ai/caddy-ai-backends/routing"
)

// Targets from issue 4: with one provider failing every request, the
// intelligent strategy costs at most 5% more than the oracle and answers at
// least 99.9% of requests.
const (
	targetCostOverOracle = 0.05
	targetSuccess        = 0.999
)

// configuredRegions is the geographic strategy's preference for requests
// that name no region.
var configuredRegions = []string{"us-east"}

// simulate serves the workload with one router on a fresh fleet state.
func simulate(name string, fleet []deployment, reqs []simRequest, route router, seed uint64) summary {
	s := newSimulation(fleet, gatewayDefaults(), seed)
	outs := make([]requestOutcome, len(reqs))
	for i := range reqs {
		outs[i] = s.serve(i, &reqs[i], route)
	}
	return summarize(name, outs)
}

// simulateStrategy runs one built-in strategy with opts.
func simulateStrategy(label, name string, opts routing.Options, fleet []deployment, reqs []simRequest, seed uint64) (summary, error) {
	st, err := routing.New(name, opts)
	if err != nil {
		return summary{}, err
	}
	return simulate(label, fleet, reqs, strategyRouter(st), seed), nil
}

// baseOptions are the routing options of the simulated config; w zero
// means the default weights.
func baseOptions(w routing.Weights) routing.Options {
	return routing.Options{Weights: w, Regions: configuredRegions}
}

// runAll simulates every built-in strategy with default options, then the
// oracle.
func runAll(n int, seed uint64) (rows []summary, oracle summary, err error) {
	fleet := defaultFleet()
	reqs := workload(n, seed)
	for _, name := range routing.Names() {
		row, err := simulateStrategy(name, name, baseOptions(routing.Weights{}), fleet, reqs, seed)
		if err != nil {
			return nil, summary{}, err
		}
		rows = append(rows, row)
	}
	oracle = simulate(oracleName, fleet, reqs, oracleRouter(fleet), seed)
	return rows, oracle, nil
}

// meetsTargets reports whether a row meets the targets.
func meetsTargets(row, oracle summary) bool {
	return row.CostPer1K() <= oracle.CostPer1K()*(1+targetCostOverOracle) && row.SuccessRate() >= targetSuccess
}

func weightsLabel(w routing.Weights) string {
	return fmt.Sprintf("cost %.2g, latency %.2g, reliability %.2g", w.Cost, w.Latency, w.Reliability)
}
