package breaker

import "time"

// Snapshot is a point-in-time copy of a breaker's state and counters, for
// status pages and metrics. Its JSON form is part of the status API.
type Snapshot struct {
	State               State `json:"state"`
	ConsecutiveFailures int   `json:"consecutive_failures"`
	WindowRequests      int   `json:"window_requests"`
	WindowFailures      int   `json:"window_failures"`
	// OpenedAt is when the breaker last opened; zero (omitted) when closed.
	OpenedAt time.Time `json:"opened_at,omitzero"`
	// CooldownUntil is when the current cooldown ends; zero (omitted) when
	// none is in force.
	CooldownUntil     time.Time `json:"cooldown_until,omitzero"`
	HalfOpenSuccesses int       `json:"half_open_successes"`
	HalfOpenInFlight  int       `json:"half_open_in_flight"`
	Generation        uint64    `json:"generation"`
}

// Snapshot returns the breaker's current state and counters, after applying
// any time-driven transition that is due.
func (b *Breaker) Snapshot() Snapshot {
	now := b.now()
	b.mu.Lock()
	defer b.mu.Unlock()
	b.advance(now)
	requests, failures := b.window.totals(now.Sub(b.epoch))
	s := Snapshot{
		State:               b.state,
		ConsecutiveFailures: b.consecutiveFailures,
		WindowRequests:      requests,
		WindowFailures:      failures,
		HalfOpenSuccesses:   b.halfOpenSuccesses,
		HalfOpenInFlight:    b.probesInFlight,
		Generation:          b.generation.Load(),
	}
	if b.state != Closed {
		s.OpenedAt = b.openedAt
	}
	if b.coolingDown(now) {
		s.CooldownUntil = b.cooldownUntil
	}
	return s
}
