package balance

import "sync"

// weightedRoundRobin is nginx's smooth weighted round robin. On each pick
// every candidate's current value grows by its weight, the largest is
// chosen and shrinks by the total weight. Over a cycle of total-weight
// picks each endpoint is chosen exactly weight times, and the choices are
// interleaved (5:1:1 gives a a b a c a a) instead of arriving in bursts
// that would hit one backend's rate limit.
//
// The current values live in the endpoints, so a pick over whichever
// subset is available right now still works: an endpoint that drops out
// keeps its position and resumes from it when it returns.
type weightedRoundRobin struct {
	mu sync.Mutex // makes each pick's read-modify-write of current atomic as a whole
}

func (p *weightedRoundRobin) Pick(eps []*Endpoint) int {
	switch len(eps) {
	case 0:
		return -1
	case 1:
		return 0 // adding and removing its own weight would change nothing
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var total, bestCurrent int64
	best := -1
	for i, e := range eps {
		w := int64(e.Weight())
		total += w
		if c := e.current.Add(w); best < 0 || c > bestCurrent {
			best, bestCurrent = i, c
		}
	}
	eps[best].current.Add(-total)
	return best
}
