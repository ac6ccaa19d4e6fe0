package routing

import "time"

// intelligentStrategy combines the others: the capability filter, the
// health rule (unhealthy last), then a weighted score of cost, latency and
// reliability, lowest first.
//
// Each term is normalised to 0..1 across the capable candidates:
//
//   - cost: estimated cost divided by the most expensive one, so the
//     cheapest of two deployments that differ tenfold scores 0.1. An
//     unpriced deployment scores 1, like the dearest, and loses ties.
//   - latency: latency (TTFT for streams) divided by the slowest. An
//     unmeasured deployment gets the average of the measured ones:
//     neither favoured nor punished for being new.
//   - reliability: expected failure probability (1 − Reliability) divided
//     by failScale, capped at 1. This is absolute, not relative to the
//     others: 0.1% against 0.2% failure is no reason to pay more, 10% is.
//
// The score is the weighted sum; confidence comes from the gap between the
// first and second score.
type intelligentStrategy struct {
	w             Weights // normalised to sum 1
	typicalOutput int
}

// failScale is the failure probability that earns the full reliability
// penalty.
const failScale = 0.1

// unpricedTieBreak makes an unpriced deployment lose a tie with the
// dearest priced one, without visibly changing its score.
const unpricedTieBreak = 1e-9

func (intelligentStrategy) Name() string { return StrategyIntelligent }

// terms are one candidate's raw measures and normalised score terms.
type terms struct {
	cost      float64
	costKnown bool
	latency   time.Duration
	success   float64
	costN     float64
	latencyN  float64
	failN     float64
}

func (s intelligentStrategy) Route(req *Request, cands []Candidate) Decision {
	sc := getScratch()
	defer sc.put()
	req, r, n := sc.begin(req, cands, true)

	var buf [stackSlots]terms // per candidate index
	var t []terms
	if len(cands) > stackSlots {
		t = make([]terms, len(cands))
	} else {
		t = buf[:len(cands)]
	}
	var maxCost float64
	var maxLat time.Duration
	for _, sl := range r.slots {
		c := &cands[sl.idx]
		m := &t[sl.idx]
		m.cost, m.costKnown = estimateCost(req, &c.Spec, s.typicalOutput)
		m.latency = latencyOf(req, c)
		m.success = Reliability(c)
		if m.costKnown {
			maxCost = max(maxCost, m.cost)
		}
		maxLat = max(maxLat, m.latency)
	}
	var latSum float64
	measured := 0
	for _, sl := range r.slots {
		m := &t[sl.idx]
		switch {
		case !m.costKnown:
			m.costN = 1
		case maxCost > 0:
			m.costN = m.cost / maxCost
		}
		if m.latency > 0 {
			m.latencyN = float64(m.latency) / float64(maxLat)
			latSum += m.latencyN
			measured++
		}
		m.failN = min((1-m.success)/failScale, 1)
	}
	for i := range r.slots {
		sl := &r.slots[i]
		m := &t[sl.idx]
		if m.latency <= 0 && measured > 0 {
			m.latencyN = latSum / float64(measured)
		}
		sl.key = s.w.Cost*m.costN + s.w.Latency*m.latencyN + s.w.Reliability*m.failN
		if !m.costKnown {
			sl.key += unpricedTieBreak
		}
	}
	r.sort()

	confidence := 0.8
	if len(r.slots) > 0 {
		n.add("intelligent: weights cost ").num(s.w.Cost, 2).add(", latency ").num(s.w.Latency, 2).
			add(", reliability ").num(s.w.Reliability, 2).add("; lowest score first").end()
		for rank, sl := range r.slots {
			if rank == 3 {
				break
			}
			noteTerms(n, rank+1, &cands[sl.idx], &t[sl.idx], sl.key)
		}
		if len(r.slots) > 1 {
			s1, s2 := r.slots[0].key, r.slots[1].key
			if s2 > 0 {
				confidence = gapConfidence((s2 - s1) / s2)
			} else {
				confidence = 0.5
			}
		}
	}
	return r.finish(StrategyIntelligent, cands, confidence, n)
}

// noteTerms writes one candidate's score line:
// "1. openai/gpt-4o-mini 0.071: cost $0.000180 (0.06), latency 420ms (0.70), success 99.8% (0.02)".
func noteTerms(n *notes, rank int, c *Candidate, m *terms, score float64) {
	n.int(rank).add(". ").add(c.ID).add(" ").num(score, 3).add(": cost ")
	if m.costKnown {
		n.usd(m.cost)
	} else {
		n.add("unpriced")
	}
	n.add(" (").num(m.costN, 2).add("), latency ")
	if m.latency > 0 {
		n.ms(m.latency)
	} else {
		n.add("unmeasured")
	}
	n.add(" (").num(m.latencyN, 2).add("), success ").pct(m.success).add(" (").num(m.failN, 2).add(")").end()
}
