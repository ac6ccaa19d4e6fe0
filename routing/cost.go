package routing

// costStrategy tries the capable deployments cheapest first, by the
// estimated price of this request (EstimateCost). Unpriced deployments
// come after the priced ones; ties keep the configured order.
type costStrategy struct {
	typicalOutput int
}

func (costStrategy) Name() string { return StrategyCost }

// tierUnpriced puts candidates without prices after the priced ones.
const tierUnpriced = 1

func (s costStrategy) Route(req *Request, cands []Candidate) Decision {
	return route(StrategyCost, req, cands, true, s.score, s.explain)
}

func (s costStrategy) score(req *Request, c *Candidate) (tier int, key float64) {
	usd, known := estimateCost(req, &c.Spec, s.typicalOutput)
	if !known {
		tier = tierUnpriced
	}
	return tier, usd
}

// explain names the cheapest deployment and the runner-up with their
// estimates; the price gap between them is the confidence.
func (s costStrategy) explain(r *ranking, cands []Candidate, n *notes) float64 {
	confidence := 0.9 // the original design's value, when there is nothing to compare
	if len(r.slots) == 0 {
		return confidence
	}
	first := &r.slots[0]
	c := &cands[first.idx]
	n.add("cost: ").add(c.ID)
	if first.tier&tierUnpriced != 0 {
		n.add(" has no price; no priced deployment can serve").end()
		return 0.3
	}
	n.add(" ").usd(first.key).add(" est. cheapest of ").int(len(r.slots))
	if len(r.slots) > 1 {
		next := &r.slots[1]
		n.add("; next ").add(cands[next.idx].ID)
		if next.tier&tierUnpriced != 0 {
			n.add(" (no price)")
		} else {
			n.add(" ").usd(next.key)
			if next.key > 0 {
				confidence = gapConfidence((next.key - first.key) / next.key)
			} else {
				confidence = 0.5
			}
		}
	}
	n.end()
	n.add("cost: estimate for ~").int(promptTokens(r.req)).add(" prompt + ").
		int(expectedOutput(r.req, &c.Spec, s.typicalOutput)).add(" output tokens").end()
	return confidence
}
