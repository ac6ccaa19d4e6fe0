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
	sc := getScratch()
	defer sc.put()
	req, r, n := sc.begin(req, cands, true)
	for i := range r.slots {
		sl := &r.slots[i]
		usd, known := estimateCost(req, &cands[sl.idx].Spec, s.typicalOutput)
		sl.key = usd
		if !known {
			sl.tier += tierUnpriced
		}
	}
	r.sort()

	confidence := 0.9 // the original design's value, when there is nothing to compare
	if len(r.slots) > 0 {
		first := &r.slots[0]
		c := &cands[first.idx]
		n.add("cost: ").add(c.ID)
		if first.tier&tierUnpriced != 0 {
			n.add(" has no price; no priced deployment can serve").end()
			confidence = 0.3
		} else {
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
			n.add("cost: estimate for ~").int(promptTokens(req)).add(" prompt + ").
				int(expectedOutput(req, &c.Spec, s.typicalOutput)).add(" output tokens").end()
		}
	}
	return r.finish(StrategyCost, cands, confidence, n)
}
