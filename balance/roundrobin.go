package balance

import "sync/atomic"

// roundRobin hands out endpoints in turn. A lone atomic counter keeps it
// lock-free; when the candidate list changes length the rotation simply
// continues from wherever the counter points.
type roundRobin struct {
	next atomic.Uint64
}

func (p *roundRobin) Pick(eps []*Endpoint) int {
	if len(eps) == 0 {
		return -1
	}
	return int((p.next.Add(1) - 1) % uint64(len(eps)))
}
