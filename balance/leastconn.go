package balance

// leastConnections picks the endpoint with the fewest requests in flight,
// which adapts to endpoints of different speeds without measuring them:
// a slow endpoint holds its requests longer and so receives fewer new ones.
// Ties, common when traffic is light, are broken uniformly at random so
// that the first endpoint in the list is not always the one favoured.
type leastConnections struct {
	intN func(n int) int // rand.IntN; tests inject a seeded source
}

func (p *leastConnections) Pick(eps []*Endpoint) int {
	if len(eps) == 0 {
		return -1
	}
	best, ties := 0, 1
	least := eps[0].InFlight()
	for i := 1; i < len(eps); i++ {
		switch n := eps[i].InFlight(); {
		case n < least:
			best, ties, least = i, 1, n
		case n == least:
			// Reservoir sampling: keep the i-th tie with probability
			// 1/ties, which makes every tie equally likely in one pass
			// without allocating a list of them.
			ties++
			if p.intN(ties) == 0 {
				best = i
			}
		}
	}
	return best
}
