package main

import (
	"runtime"
	"sync"

	"github.com/sira-ai/caddy-ai-backends/routing"
)

// weightGrid is the search space for the intelligent strategy's weights.
// Only ratios matter, so cost is fixed at 1.
var weightGrid = func() []routing.Weights {
	var g []routing.Weights
	for _, lat := range []float64{0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.6} {
		for _, rel := range []float64{0, 0.05, 0.1, 0.2, 0.4, 1} {
			g = append(g, routing.Weights{Cost: 1, Latency: lat, Reliability: rel})
		}
	}
	return g
}()

// gridRow is the intelligent strategy's result under one set of weights.
type gridRow struct {
	Weights routing.Weights
	Result  summary
}

// searchWeights simulates the intelligent strategy under every weight set
// of grid, in parallel (each simulation has its own state and clock, so
// the results do not depend on scheduling).
func (b *bench) searchWeights(grid []routing.Weights) ([]gridRow, error) {
	rows := make([]gridRow, len(grid))
	errs := make([]error, len(grid))
	next := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				rows[i].Weights = grid[i]
				rows[i].Result, errs[i] = b.strategy(weightsLabel(grid[i]), routing.StrategyIntelligent, grid[i])
			}
		})
	}
	for i := range grid {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return rows, nil
}
