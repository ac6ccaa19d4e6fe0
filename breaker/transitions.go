package breaker

import "time"

// The helpers in this file move the state machine. They must be called with
// b.mu held, and every change of b.state goes through setState so that the
// generation always moves with it.

// setState switches to s and bumps the generation if s is new.
func (b *Breaker) setState(s State) {
	if b.state == s {
		return
	}
	b.state = s
	b.generation.Add(1)
}

// advance applies the time-driven transition: an open breaker becomes
// half-open once its recovery timeout has passed.
func (b *Breaker) advance(now time.Time) {
	if b.state != Open || now.Before(b.openedAt.Add(b.cfg.RecoveryTimeout)) {
		return
	}
	b.halfOpenSuccesses = 0
	b.probesInFlight = 0
	b.setState(HalfOpen)
}

// shouldTrip reports whether a closed breaker's counts call for opening it.
func (b *Breaker) shouldTrip(elapsed time.Duration) bool {
	if b.consecutiveFailures >= b.cfg.FailureThreshold {
		return true
	}
	if b.cfg.FailureRatio <= 0 {
		return false
	}
	requests, failures := b.window.totals(elapsed)
	return requests >= b.cfg.MinRequests &&
		float64(failures) >= b.cfg.FailureRatio*float64(requests)
}

// trip opens the breaker at now, restarting the recovery timer. The window
// is cleared so that the failures which opened the breaker do not reopen it
// the moment it closes again.
func (b *Breaker) trip(now time.Time) {
	b.openedAt = now
	b.halfOpenSuccesses = 0
	b.probesInFlight = 0
	b.window.reset(b.cfg.Window)
	b.setState(Open)
}

// close returns the breaker to normal operation with a clean slate.
func (b *Breaker) close() {
	b.consecutiveFailures = 0
	b.halfOpenSuccesses = 0
	b.probesInFlight = 0
	b.openedAt = time.Time{}
	b.window.reset(b.cfg.Window)
	b.setState(Closed)
}

// takeProbe frees one half-open probe slot. It reports false when none was
// held, which marks the outcome being reported as stale.
func (b *Breaker) takeProbe() bool {
	if b.probesInFlight == 0 {
		return false
	}
	b.probesInFlight--
	return true
}

// coolingDown reports whether a cooldown is in force at now. An expired
// cooldown is cleared so that Allow can return to its clock-free fast path.
func (b *Breaker) coolingDown(now time.Time) bool {
	if b.cooldownUntil.IsZero() {
		return false
	}
	if now.Before(b.cooldownUntil) {
		return true
	}
	b.cooldownUntil = time.Time{}
	return false
}
