package routing

// performanceStrategy tries the capable deployments fastest first: lowest
// time to first token for streams (when measured), lowest full-response
// latency EWMA otherwise.
//
// Deployments never measured come first. A strategy that only trusts what
// it has measured never learns about a new deployment, and one request is
// enough to give it a latency; after that the EWMA decides. (The handler's
// decision cache can hold such an exploring decision for its TTL, so the
// handler should bump its cache generation when a deployment gets its
// first latency sample.)
type performanceStrategy struct{}

func (performanceStrategy) Name() string { return StrategyPerformance }

// tierMeasured puts measured candidates after the unmeasured ones.
const tierMeasured = 1

func (s performanceStrategy) Route(req *Request, cands []Candidate) Decision {
	return route(StrategyPerformance, req, cands, true, s.score, s.explain)
}

func (performanceStrategy) score(req *Request, c *Candidate) (tier int, key float64) {
	if lat := latencyOf(req, c); lat > 0 {
		return tierMeasured, float64(lat)
	}
	return 0, 0
}

// explain names the fastest deployment and the runner-up with their
// latencies, whose gap is the confidence, or the unmeasured one tried to
// learn its latency.
func (performanceStrategy) explain(r *ranking, cands []Candidate, n *notes) float64 {
	if len(r.slots) == 0 {
		return 0.85
	}
	req, c := r.req, &cands[r.slots[0].idx]
	n.add("performance: ").add(c.ID)
	if r.slots[0].tier&tierMeasured == 0 {
		n.add(" not measured yet; trying it first to learn its latency").end()
		return 0.3
	}
	confidence := 0.85 // the original design's value, when there is nothing to compare
	lat := latencyOf(req, c)
	n.add(" ").add(latencyName(req, c)).add(" ").ms(lat).add(" fastest of ").int(len(r.slots))
	if len(r.slots) > 1 {
		next := &cands[r.slots[1].idx]
		nextLat := latencyOf(req, next)
		n.add("; next ").add(next.ID).add(" ").ms(nextLat)
		if nextLat > 0 {
			confidence = gapConfidence(float64(nextLat-lat) / float64(nextLat))
		}
	}
	n.end()
	return confidence
}

// latencyName names the measure latencyOf used for a candidate.
func latencyName(req *Request, c *Candidate) string {
	if req.Stream && c.TTFT > 0 {
		return "time to first token"
	}
	return "latency"
}
