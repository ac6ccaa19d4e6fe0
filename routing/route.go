package routing

// route is the frame of a built-in strategy's Route call, on pooled
// scratch: it collects the candidates (only the capable ones when filter is
// set), gives each slot the tier and key that score gives its candidate (a
// nil score keeps the configured order, unhealthy last), sorts them, and
// has explain write the strategy's own reasoning from the ranking and
// return its confidence in the first choice. finish adds the capability
// and health lines every strategy shares.
func route(strategy string, req *Request, cands []Candidate, filter bool,
	score func(req *Request, c *Candidate) (tier int, key float64),
	explain func(r *ranking, cands []Candidate, n *notes) (confidence float64)) Decision {
	sc := getScratch()
	defer sc.put()
	req, r, n := sc.begin(req, cands, filter)
	if score != nil {
		for i := range r.slots {
			sl := &r.slots[i]
			tier, key := score(req, &cands[sl.idx])
			sl.tier += tier
			sl.key = key
		}
	}
	r.sort()
	return r.finish(strategy, cands, explain(r, cands, n), n)
}
