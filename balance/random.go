package balance

// random picks uniformly at random. It keeps no state, so it spreads load
// well across many independent gateways that would otherwise march through
// a round-robin in lockstep.
type random struct {
	intN func(n int) int // rand.IntN; tests inject a seeded source
}

func (p *random) Pick(eps []*Endpoint) int {
	if len(eps) == 0 {
		return -1
	}
	return p.intN(len(eps))
}
