package security

import "time"

// unitsPerToken is the fixed-point scale of a token bucket: one token is
// split into as many units as there are microseconds in a minute, so a bucket
// refilling perMinute tokens per minute gains exactly perMinute units per
// microsecond. Integer arithmetic keeps refills and retry-after times exact
// (no float drift), which makes limits predictable and testable.
const unitsPerToken = int64(time.Minute / time.Microsecond)

// tokenBucket is a continuously refilling bucket holding at most perMinute
// tokens and refilling perMinute/60 tokens per second. Its level may go below
// zero (down to -capacity) when usage turns out larger than admitted, so that
// overuse is paid back by later requests. It is not safe for concurrent use;
// ClientKey guards it.
type tokenBucket struct {
	perMinute int64     // capacity and refill rate; 0 disables the bucket
	level     int64     // current fill, in units (see unitsPerToken)
	last      time.Time // instant up to which level has been refilled
}

func newTokenBucket(perMinute int, now time.Time) tokenBucket {
	b := tokenBucket{perMinute: int64(perMinute), last: now}
	b.level = b.capacity()
	return b
}

func (b *tokenBucket) unlimited() bool { return b.perMinute == 0 }

func (b *tokenBucket) capacity() int64 { return b.perMinute * unitsPerToken }

// refill brings the level up to date. Only whole elapsed microseconds are
// converted and last advances by exactly that much, so frequent calls lose no
// refill to rounding. A clock that steps backwards just refills nothing.
func (b *tokenBucket) refill(now time.Time) {
	elapsed := now.Sub(b.last)
	if elapsed <= 0 {
		if elapsed < 0 {
			b.last = now
		}
		return
	}
	// Two minutes refill even a bucket at maximum debt, which also keeps the
	// multiplication below far from overflowing.
	if elapsed >= 2*time.Minute {
		b.level, b.last = b.capacity(), now
		return
	}
	micros := int64(elapsed / time.Microsecond)
	b.level += micros * b.perMinute
	if b.level >= b.capacity() {
		b.level, b.last = b.capacity(), now
		return
	}
	b.last = b.last.Add(time.Duration(micros) * time.Microsecond)
}

// wait is how long until n tokens are available (0 = now). The caller must
// have refilled first and ensured n <= perMinute, or the wait never ends.
func (b *tokenBucket) wait(n int64) time.Duration {
	missing := n*unitsPerToken - b.level
	if missing <= 0 {
		return 0
	}
	micros := (missing + b.perMinute - 1) / b.perMinute // round up: never retry too early
	return time.Duration(micros) * time.Microsecond
}

// take removes n tokens that wait has shown to be available.
func (b *tokenBucket) take(n int64) { b.level -= n * unitsPerToken }

// adjust corrects the level after the fact: a positive delta takes more
// tokens (possibly into debt), a negative one gives tokens back. The level
// stays within [-capacity, capacity] whatever the delta.
func (b *tokenBucket) adjust(delta int64, now time.Time) {
	b.refill(now)
	limit := 2 * b.perMinute // beyond this the clamp below decides anyway
	delta = min(max(delta, -limit), limit)
	b.level = min(max(b.level-delta*unitsPerToken, -b.capacity()), b.capacity())
}
