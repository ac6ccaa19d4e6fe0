package breaker

import "time"

// SetConfig replaces the thresholds while keeping the state, so that a
// breaker reused across a configuration reload applies the new settings
// without forgetting that its backend is down. New thresholds take effect
// at the next event; they never change the state by themselves. Changing
// Window clears the ratio window, because its buckets are sized from it.
func (b *Breaker) SetConfig(cfg Config) {
	cfg = cfg.WithDefaults()
	b.mu.Lock()
	defer b.mu.Unlock()
	if cfg.Window != b.cfg.Window {
		b.window.reset(cfg.Window)
	}
	b.cfg = cfg
}

// Reset puts the breaker back to closed with every counter and any
// cooldown cleared, as if it had just been created. It exists for an
// operator who knows the backend is fixed and does not want to wait for
// the recovery timeout.
func (b *Breaker) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.cooldownUntil = time.Time{}
	b.close()
	// close bumps the generation only on a state change; a reset must
	// always invalidate caches, since it may have cleared a cooldown.
	b.generation.Add(1)
}
