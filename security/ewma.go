package security

import (
	"math"
	"time"
)

// ewmaRate estimates an event rate (events per second) as an exponentially
// weighted moving average with time constant horizon: each event adds
// 1/horizon and the sum decays by e^(-dt/horizon). For a steady rate r the
// estimate converges to r. It needs no buckets or timers, so it costs two
// words per client and is updated only when an event happens.
type ewmaRate struct {
	value float64   // estimate as of at
	at    time.Time // time of the last update
}

// add records one event at now.
func (r *ewmaRate) add(now time.Time, horizon time.Duration) {
	r.value = r.valueAt(now, horizon) + 1/horizon.Seconds()
	if now.After(r.at) {
		r.at = now
	}
}

// valueAt is the estimate decayed to now (never grown by a backwards clock).
func (r *ewmaRate) valueAt(now time.Time, horizon time.Duration) float64 {
	dt := now.Sub(r.at)
	if dt <= 0 || r.value == 0 {
		return r.value
	}
	return r.value * math.Exp(-dt.Seconds()/horizon.Seconds())
}

// corrected is the estimate for a client seen for only age so far, with the
// start-up bias removed: an EWMA starting at zero under-reads by the factor
// 1-e^(-age/horizon), which would make every new client look like a sudden
// burst next to its own (still near-zero) long-term baseline. Dividing by the
// factor turns the estimate into the plain average rate since first seen
// while age is short, and leaves it unchanged once age >> horizon.
func (r *ewmaRate) corrected(now time.Time, horizon, age time.Duration) float64 {
	bias := -math.Expm1(-age.Seconds() / horizon.Seconds())
	if bias <= 0 {
		return r.valueAt(now, horizon)
	}
	return r.valueAt(now, horizon) / bias
}
