package balance

import "time"

// p2cEWMA is the power of two random choices over a latency-aware load,
// as in Finagle and Linkerd. It samples two distinct endpoints and keeps
// the one with the lower cost: peak-EWMA latency × (in-flight + 1). Two
// random choices avoid the herd behaviour of always taking the global best
// (every gateway piling onto the same endpoint) while still steering
// clearly towards fast, idle endpoints.
//
// An endpoint never observed has cost 0, so a new backend is tried at once
// and gets its first measurements.
type p2cEWMA struct {
	intN func(n int) int  // rand.IntN; tests inject a seeded source
	now  func() time.Time // time.Now; tests inject a fake clock
}

func (p *p2cEWMA) Pick(eps []*Endpoint) int {
	n := len(eps)
	switch n {
	case 0:
		return -1
	case 1:
		return 0
	}
	i := p.intN(n)
	j := p.intN(n - 1)
	if j >= i {
		j++ // j is uniform over the endpoints other than i
	}
	now := p.now()
	if lessLoaded(eps[j], eps[i], now) {
		return j
	}
	return i
}

// lessLoaded reports whether a should be preferred over b at now. Equal
// costs (typically two endpoints never observed) fall back to in-flight
// counts so that new endpoints are not all piled onto the same one.
func lessLoaded(a, b *Endpoint, now time.Time) bool {
	ia, ib := max(a.InFlight(), 0), max(b.InFlight(), 0)
	ca := a.latencyAt(now) * float64(ia+1)
	cb := b.latencyAt(now) * float64(ib+1)
	if ca != cb {
		return ca < cb
	}
	return ia < ib
}
