package main

import (
	"slices"

	"github.com/sira-ai/caddy-ai-backends/routing"
)

// oracleName labels the oracle's row.
const oracleName = "oracle"

// oracleRouter is the yardstick: with perfect knowledge it orders the
// deployments that can serve the request and are not broken by what the
// request will really cost (the true answer length, not an estimate).
// Transient failures still happen to it, and it falls back along the same
// order, through the same breakers and retries, so the comparison with the
// strategies is about choices only.
func oracleRouter(fleet []deployment) router {
	return func(r *simRequest, cands []routing.Candidate) routing.Decision {
		order := make([]int, 0, len(fleet))
		cost := make([]float64, len(fleet))
		for i := range fleet {
			d := &fleet[i]
			if ok, _ := routing.Capable(&r.Shape, d.Spec); !ok || d.Behave.Broken {
				continue
			}
			cost[i] = d.cost(r)
			order = append(order, i)
		}
		slices.SortStableFunc(order, func(a, b int) int {
			switch {
			case cost[a] < cost[b]:
				return -1
			case cost[a] > cost[b]:
				return 1
			}
			return 0
		})
		return routing.NewDecision(oracleName, cands, order, 1, "oracle: cheapest capable healthy first")
	}
}
