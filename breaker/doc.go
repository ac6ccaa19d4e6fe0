// Package breaker implements a circuit breaker for one backend.
//
// A breaker watches the outcomes of the requests it admitted and stops
// sending traffic to a backend that keeps failing, so that a broken
// backend is not hammered while it recovers and callers fail over fast
// instead of waiting on timeouts. It follows the classic three-state
// design:
//
//   - Closed: traffic flows. Consecutive failures, or a failure ratio over
//     a rolling window, open the breaker.
//   - Open: traffic is refused until RecoveryTimeout has passed.
//   - HalfOpen: a limited number of probe requests are let through. Enough
//     successes close the breaker; any failure opens it again.
//
// Independently of the state, a breaker can be told to cool down for a
// while (for example after a rate-limit answer), which refuses traffic
// without treating the backend as broken.
//
// The caller decides what counts as a failure: the breaker only counts
// what it is told. It knows nothing about HTTP or the backends it guards.
package breaker
