package balance

import (
	"math/rand/v2"
	"testing"
)

// seeded returns a deterministic IntN so that distribution tests give the
// same counts on every run. It is not safe for concurrent use.
func seeded() func(int) int {
	return rand.New(rand.NewPCG(1, 2)).IntN
}

// endpoints returns fresh endpoints with the given weights.
func endpoints(weights ...int) []*Endpoint {
	eps := make([]*Endpoint, len(weights))
	for i, w := range weights {
		eps[i] = NewEndpoint(w)
	}
	return eps
}

// countPicks runs n picks and returns how often each index was chosen.
func countPicks(t *testing.T, p Policy, eps []*Endpoint, n int) []int {
	t.Helper()
	counts := make([]int, len(eps))
	for range n {
		i := p.Pick(eps)
		if i < 0 || i >= len(eps) {
			t.Fatalf("Pick returned %d for %d endpoints", i, len(eps))
		}
		counts[i]++
	}
	return counts
}

// checkShares fails if any count is off its expected share of total by
// more than tolerance (a fraction of total).
func checkShares(t *testing.T, counts []int, shares []float64, tolerance float64) {
	t.Helper()
	total := 0
	for _, c := range counts {
		total += c
	}
	for i, c := range counts {
		got := float64(c) / float64(total)
		if got < shares[i]-tolerance || got > shares[i]+tolerance {
			t.Errorf("endpoint %d got share %.4f, want %.4f ± %.4f (counts %v)", i, got, shares[i], tolerance, counts)
		}
	}
}
