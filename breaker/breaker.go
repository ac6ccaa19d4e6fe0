package breaker

import (
	"sync"
	"sync/atomic"
	"time"
)

// Breaker is a circuit breaker for one backend. It is safe for concurrent
// use. A Breaker is meant to be long-lived: keep it across configuration
// reloads (see SetConfig) so that a reload does not forget that a backend
// is down.
//
// Every request the caller sends must first be admitted by Allow, and every
// admitted request must end with exactly one of Success, Failure or
// Release. That pairing is what lets a half-open breaker bound the number
// of probes in flight.
type Breaker struct {
	now   func() time.Time
	epoch time.Time // origin of window times; keeps them on the monotonic clock

	// generation is read without the mutex so routing caches can check it
	// on every request for the price of an atomic load.
	generation atomic.Uint64

	mu                  sync.Mutex
	cfg                 Config
	state               State
	consecutiveFailures int
	window              window
	openedAt            time.Time
	cooldownUntil       time.Time
	halfOpenSuccesses   int
	probesInFlight      int
}

// New returns a closed breaker using cfg (zero fields take their defaults)
// and the clock now. A nil now means time.Now; tests pass a fake clock.
func New(cfg Config, now func() time.Time) *Breaker {
	if now == nil {
		now = time.Now
	}
	cfg = cfg.WithDefaults()
	b := &Breaker{now: now, epoch: now(), cfg: cfg}
	b.window.reset(cfg.Window)
	return b
}

// Allow reports whether a request may be sent now. It refuses while the
// breaker is open or cooling down. In half-open it admits a request only if
// a probe slot is free, and reserves that slot until the request's outcome
// is reported, so a true from Allow must always be followed by Success,
// Failure or Release.
func (b *Breaker) Allow() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.state == Closed && b.cooldownUntil.IsZero() {
		// The common case needs no clock: nothing time-driven can apply.
		return true
	}
	return b.admitLocked(b.now(), true)
}

// Ready reports whether Allow would admit a request now, without reserving
// a probe slot. It lets a caller filter the candidates it hands to a load
// balancer, then call Allow on the one chosen: calling Allow on every
// candidate would tie up half-open probe slots that are never used.
func (b *Breaker) Ready() bool {
	now := b.now()
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.admitLocked(now, false)
}

// admitLocked brings the state up to now and reports whether a request
// would be admitted; with reserve it also takes the half-open probe slot.
// It is the shared decision of Allow and Ready. b.mu must be held.
func (b *Breaker) admitLocked(now time.Time, reserve bool) bool {
	b.advance(now)
	if b.coolingDown(now) {
		return false
	}
	switch b.state {
	case Closed:
		return true
	case HalfOpen:
		if b.probesInFlight >= b.cfg.HalfOpenProbes {
			return false
		}
		if reserve {
			b.probesInFlight++
		}
		return true
	default:
		return false
	}
}

// lockAdvanced reads the clock, locks b and applies the transitions due
// by then (see advance); it returns the time read. The caller unlocks b.mu.
func (b *Breaker) lockAdvanced() time.Time {
	now := b.now()
	b.mu.Lock()
	b.advance(now)
	return now
}

// Success reports that an admitted request succeeded. In closed state it
// ends a run of consecutive failures; in half-open it counts towards
// closing the breaker.
//
// In open or half-open state an outcome that holds no probe slot is
// ignored: it belongs to a request admitted before the breaker opened and
// says nothing about whether the backend has recovered. This matters for
// long requests (streams) that outlive RecoveryTimeout.
func (b *Breaker) Success() {
	now := b.lockAdvanced()
	defer b.mu.Unlock()
	switch b.state {
	case Closed:
		b.consecutiveFailures = 0
		b.window.record(now.Sub(b.epoch), false)
	case HalfOpen:
		if !b.takeProbe() {
			return
		}
		b.consecutiveFailures = 0
		b.halfOpenSuccesses++
		if b.halfOpenSuccesses >= b.cfg.SuccessThreshold {
			b.close()
		}
	}
}

// Failure reports that an admitted request failed in a way that counts
// against the backend. Which outcomes count (server errors, timeouts,
// network errors, overload) is the caller's decision; outcomes that do not
// count go to Release. In closed state the failure may open the breaker; in
// half-open it reopens it and restarts the recovery timer. Stale outcomes
// are ignored as described on Success.
func (b *Breaker) Failure() {
	now := b.lockAdvanced()
	defer b.mu.Unlock()
	switch b.state {
	case Closed:
		b.consecutiveFailures++
		elapsed := now.Sub(b.epoch)
		b.window.record(elapsed, true)
		if b.shouldTrip(elapsed) {
			b.trip(now)
		}
	case HalfOpen:
		if !b.takeProbe() {
			return
		}
		b.consecutiveFailures++
		b.trip(now)
	}
}

// Release reports that an admitted request ended with an outcome that says
// nothing about the backend's health (a client error, a cancellation). It
// frees the half-open probe slot the request held and changes nothing else.
func (b *Breaker) Release() {
	b.lockAdvanced()
	defer b.mu.Unlock()
	if b.state == HalfOpen {
		b.takeProbe()
	}
}

// CoolDown refuses traffic until now+d without changing the state. It is
// meant for rate limiting (HTTP 429): the backend is healthy but asked us
// to back off, which must neither open the breaker nor count as a failure.
// A longer cooldown already in force is kept. CoolDown does not end a
// request: the caller still reports its outcome (normally Release).
func (b *Breaker) CoolDown(d time.Duration) {
	if d <= 0 {
		return
	}
	until := b.now().Add(d)
	b.mu.Lock()
	defer b.mu.Unlock()
	if until.After(b.cooldownUntil) {
		b.cooldownUntil = until
		b.generation.Add(1)
	}
}

// State returns the current state. An open breaker whose recovery timeout
// has passed reports HalfOpen: transitions driven by time happen lazily,
// on the first read or Allow after the deadline, so no timer goroutine is
// needed.
func (b *Breaker) State() State {
	b.lockAdvanced()
	defer b.mu.Unlock()
	return b.state
}

// Generation returns a number that changes on every state change and
// every cooldown start. A routing cache can store it next to what it
// derived from the breaker and recompute only when it moves. Note that the
// end of a cooldown and an open breaker's recovery deadline are reached by
// the passage of time, not by an event; a cache must also honour the
// deadlines in Snapshot, or call State to apply the lazy transition.
func (b *Breaker) Generation() uint64 {
	return b.generation.Load()
}
