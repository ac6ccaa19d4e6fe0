package balance

import "testing"

func TestRandomIsUniform(t *testing.T) {
	counts := countPicks(t, &random{intN: seeded()}, endpoints(1, 1, 1, 1), 40000)
	checkShares(t, counts, []float64{0.25, 0.25, 0.25, 0.25}, 0.01)
}
