package balance

import "sync/atomic"

// Endpoint is the balancer-visible state of one backend. It is long-lived
// (the caller keeps it across configuration reloads) and safe for
// concurrent use.
type Endpoint struct {
	weight   atomic.Int64
	inFlight atomic.Int64

	// current is the smooth weighted round-robin position. It belongs to
	// the endpoint rather than the policy so that a pick over a changing
	// subset of endpoints still works. The weighted policy guards its
	// read-modify-write with its own mutex; it is atomic anyway so that two
	// policies briefly sharing an endpoint (an old and a new config during
	// a reload) cannot corrupt it.
	current atomic.Int64

	latency peakEWMA
}

// NewEndpoint returns an endpoint with the given weight; a weight of zero
// or less means 1, so a forgotten weight does not take a backend out of
// rotation.
func NewEndpoint(weight int) *Endpoint {
	e := &Endpoint{}
	e.SetWeight(weight)
	return e
}

// SetWeight changes the endpoint's share of weighted round-robin picks. A
// weight of zero or less means 1.
func (e *Endpoint) SetWeight(w int) {
	e.weight.Store(int64(max(w, 1)))
}

// Weight returns the endpoint's weight, at least 1 (also for a zero
// Endpoint that never went through NewEndpoint).
func (e *Endpoint) Weight() int {
	return int(max(e.weight.Load(), 1))
}

// Acquire records that a request to the endpoint started. Every Acquire
// must be matched by exactly one Release.
func (e *Endpoint) Acquire() {
	e.inFlight.Add(1)
}

// Release records that a request to the endpoint ended.
func (e *Endpoint) Release() {
	e.inFlight.Add(-1)
}

// InFlight returns the number of requests to the endpoint that have
// started and not yet ended.
func (e *Endpoint) InFlight() int64 {
	return e.inFlight.Load()
}
