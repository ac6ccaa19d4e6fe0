package routing

import "sync"

// slot is one candidate being ranked: lower tier first, then lower key,
// then configured order.
type slot struct {
	idx  int
	tier int
	key  float64
}

// exclusion records a candidate left out and why, for the reasoning.
type exclusion struct {
	idx int
	why capReason
}

// tierUnhealthy is added to the tier of unhealthy candidates, so that they
// sort after every healthy one whatever the strategy's own tiers are.
const tierUnhealthy = 1 << 8

// stackSlots is how many candidates a ranking holds without allocating.
const stackSlots = 16

// ranking is the scratch state of one Route call.
type ranking struct {
	req       *Request
	slots     []slot
	excluded  []exclusion
	unhealthy int
	slotBuf   [stackSlots]slot
	exclBuf   [stackSlots]exclusion
}

// scratch is the working memory of one Route call, pooled so that Route
// allocates only the Decision it returns. (On the stack it would escape:
// the ranking points into its own arrays.)
type scratch struct {
	r ranking
	n notes
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// getScratch returns reset working memory; release it with put.
func getScratch() *scratch {
	sc := scratchPool.Get().(*scratch)
	sc.n.init()
	return sc
}

// put returns the scratch to the pool, dropping references to the caller's
// data and to oversized buffers.
func (sc *scratch) put() {
	sc.r.req, sc.r.slots, sc.r.excluded = nil, nil, nil
	sc.n.buf, sc.n.ends = nil, nil
	scratchPool.Put(sc)
}

// begin starts a Route call on fresh scratch: it stands the empty request in
// for a nil one and collects the candidates (only the capable ones when
// filter is set). The caller releases sc with put once the Decision is made.
func (sc *scratch) begin(req *Request, cands []Candidate, filter bool) (*Request, *ranking, *notes) {
	if req == nil {
		req = &noRequest
	}
	sc.r.collect(req, cands, filter)
	return req, &sc.r, &sc.n
}

// collect fills the slots in configured order. With filter set it leaves
// out the candidates that cannot serve req. Unhealthy candidates get
// tierUnhealthy.
func (r *ranking) collect(req *Request, cands []Candidate, filter bool) {
	r.req = req
	r.unhealthy = 0
	r.slots = r.slotBuf[:0]
	r.excluded = r.exclBuf[:0]
	if len(cands) > stackSlots {
		r.slots = make([]slot, 0, len(cands))
	}
	for i := range cands {
		c := &cands[i]
		if filter {
			if why := check(req, &c.Spec); why != capOK {
				r.excluded = append(r.excluded, exclusion{idx: i, why: why})
				continue
			}
		}
		s := slot{idx: i}
		if !c.Healthy {
			s.tier = tierUnhealthy
			r.unhealthy++
		}
		r.slots = append(r.slots, s)
	}
}

// sort orders the slots by tier, then key, keeping configured order for
// ties. Insertion sort: candidate lists are short, it is stable, and it
// does not allocate.
func (r *ranking) sort() {
	s := r.slots
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && less(&s[j], &s[j-1]); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func less(a, b *slot) bool {
	if a.tier != b.tier {
		return a.tier < b.tier
	}
	return a.key < b.key // NaN keys never move (strategies do not produce them)
}

// healthy reports how many slots are healthy.
func (r *ranking) healthy() int { return len(r.slots) - r.unhealthy }

// finish builds the Decision from the sorted slots: the order, the first
// choice's provider, the alternatives, and the reasoning with the shared
// capability and health lines appended to the strategy's own.
func (r *ranking) finish(strategy string, cands []Candidate, confidence float64, n *notes) Decision {
	d := Decision{Strategy: strategy}
	r.noteExclusions(cands, n)
	if len(r.slots) == 0 {
		if len(cands) == 0 {
			n.add(strategy).add(": no candidates").end()
		} else {
			n.add(strategy).add(": no deployment can serve this request").end()
		}
		d.Reasoning = n.lines()
		return d
	}
	d.Order = make([]int, len(r.slots))
	for i, s := range r.slots {
		d.Order[i] = s.idx
	}
	if len(d.Order) > 1 {
		d.Alternatives = make([]string, len(d.Order)-1)
		for i, idx := range d.Order[1:] {
			d.Alternatives[i] = cands[idx].ID
		}
	}
	d.Provider = cands[d.Order[0]].Provider
	r.noteHealth(cands, n)
	if r.slots[0].tier >= tierUnhealthy {
		confidence *= 0.5 // best of a bad lot
	}
	d.Confidence = clamp01(confidence)
	d.Reasoning = n.lines()
	return d
}

// noteExclusions adds one line naming the candidates left out and why.
func (r *ranking) noteExclusions(cands []Candidate, n *notes) {
	if len(r.excluded) == 0 {
		return
	}
	n.add("capability: excluded ")
	for i, e := range r.excluded {
		if i > 0 {
			n.add(", ")
		}
		if i == maxListed {
			n.int(len(r.excluded) - i).add(" more")
			break
		}
		c := &cands[e.idx]
		n.add(c.ID).add(" (")
		noteWhy(n, e.why, r.req, &c.Spec)
		n.add(")")
	}
	n.end()
}

// noteHealth adds one line naming the unhealthy candidates, if any.
func (r *ranking) noteHealth(cands []Candidate, n *notes) {
	if r.unhealthy == 0 {
		return
	}
	if r.unhealthy == len(r.slots) {
		n.add("health: all ").int(r.unhealthy).add(" deployments unhealthy; trying them anyway").end()
		return
	}
	n.add("health: ")
	listed := 0
	for _, s := range r.slots {
		if s.tier < tierUnhealthy {
			continue
		}
		if listed > 0 {
			n.add(", ")
		}
		if listed == maxListed {
			n.int(r.unhealthy - listed).add(" more")
			break
		}
		n.add(cands[s.idx].ID)
		listed++
	}
	n.add(" unhealthy, tried last").end()
}

// maxListed caps how many candidates one reasoning line names.
const maxListed = 4

// gapConfidence turns the relative margin by which the first choice beats
// the runner-up (0 = tie, 1 = the runner-up is infinitely worse) into a
// confidence between 0.5 (coin flip) and 0.99.
func gapConfidence(margin float64) float64 {
	return 0.5 + 0.49*clamp01(margin)
}

func clamp01(v float64) float64 {
	switch {
	case v > 1:
		return 1
	case v > 0:
		return v
	}
	return 0 // also NaN
}
