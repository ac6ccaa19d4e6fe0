package routing

import "math"

// reliabilityStrategy tries the capable deployments most reliable first, by
// expected success probability (Reliability): the recent success ratio
// shrunk towards a prior by how little history it rests on, so a lucky
// 1-of-1 does not beat 999-of-1000.
type reliabilityStrategy struct{}

func (reliabilityStrategy) Name() string { return StrategyReliability }

func (s reliabilityStrategy) Route(req *Request, cands []Candidate) Decision {
	return route(StrategyReliability, req, cands, true, s.score, s.explain)
}

func (reliabilityStrategy) score(_ *Request, c *Candidate) (tier int, key float64) {
	return 0, -Reliability(c)
}

// explain names the most reliable deployment and the runner-up with their
// records; the share of the runner-up's failures the first avoids is the
// confidence.
func (reliabilityStrategy) explain(r *ranking, cands []Candidate, n *notes) float64 {
	confidence := 0.8
	if len(r.slots) == 0 {
		return confidence
	}
	first := &cands[r.slots[0].idx]
	p1 := -r.slots[0].key
	n.add("reliability: ").add(first.ID).add(" ").pct(p1).add(" expected success")
	noteRecord(n, first)
	n.add(", best of ").int(len(r.slots)).end()
	if len(r.slots) > 1 {
		next := &cands[r.slots[1].idx]
		p2 := -r.slots[1].key
		n.add("reliability: next ").add(next.ID).add(" ").pct(p2)
		noteRecord(n, next)
		n.end()
		// How much of the runner-up's failure rate the first choice avoids.
		if f2 := 1 - p2; f2 > 0 {
			confidence = gapConfidence((p1 - p2) / f2)
		}
	}
	return confidence
}

// noteRecord writes the observed record behind a reliability estimate:
// " (998/1000 ok)" or " (no history)".
func noteRecord(n *notes, c *Candidate) {
	if c.Samples <= 0 {
		n.add(" (no history)")
		return
	}
	rate := c.SuccessRate
	if math.IsNaN(rate) {
		rate = 0
	}
	ok := int(math.Round(min(max(rate, 0), 1) * float64(c.Samples)))
	n.add(" (").int(ok).add("/").int(c.Samples).add(" ok)")
}
