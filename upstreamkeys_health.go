package aibackends

import (
	"sync"
	"sync/atomic"
	"time"
)

// Back-off of a key the upstream answered 401: the first rest lasts
// keyRestBase, each failed probe doubles it, up to keyRestMax.
const (
	keyRestBase = time.Minute
	keyRestMax  = time.Hour
)

// keyHealth is the authentication state of one upstream key, a small
// state machine:
//
//	active  --401, another key can serve-->  resting (level 1, until now+1m)
//	resting --its time passes-->             probing (the next request tries it)
//	probing --success-->                     active (level 0)
//	probing --401, another key can serve-->  resting (level+1, rest doubled, at most 1h)
//	any     --admin enable-->                active
//
// A key is never rested when it is the last one that can serve (see
// keyOutcome), and pickKey falls back to a resting key rather than to no
// key, so resting only ever moves traffic to a sibling key.
//
// restUntil is read lock-free on every request; the mutex only orders the
// rare transitions. restUntil is 0 for an active key and stays set (in the
// past) while the key is probing, so a success knows it has to restore.
type keyHealth struct {
	restUntil atomic.Int64 // unix nanoseconds; 0 = active
	mu        sync.Mutex
	level     int // rests in a row without a success in between
}

// keyPhase names the states for the status API.
const (
	keyActive  = "active"
	keyResting = "resting"
	keyProbing = "probing"
)

// resting reports whether the key sits out requests at now (unix ns).
func (k *keyHealth) resting(now int64) bool { return k.restUntil.Load() > now }

// until is the end of the current or last rest; zero when active.
func (k *keyHealth) until() int64 { return k.restUntil.Load() }

// rest takes the key out of use after a 401. A key already resting stays
// as it is: concurrent requests that used it before it rested report the
// same failure and must not double the back-off. It returns the end of the
// rest and whether this call started it.
func (k *keyHealth) rest(now time.Time) (time.Time, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if u := k.restUntil.Load(); u > now.UnixNano() {
		return time.Unix(0, u), false
	}
	k.level++
	until := now.Add(restFor(k.level))
	k.restUntil.Store(until.UnixNano())
	return until, true
}

// restFor is the length of the level-th rest in a row: keyRestBase doubled
// level-1 times, capped at keyRestMax.
func restFor(level int) time.Duration {
	d := keyRestBase
	for i := 1; i < level && d < keyRestMax; i++ {
		d *= 2
	}
	return min(d, keyRestMax)
}

// succeeded restores a probed key. On an active key it costs one atomic load.
func (k *keyHealth) succeeded() bool {
	if k.restUntil.Load() == 0 {
		return false
	}
	return k.reset()
}

// reset makes the key active, whatever its state; it reports whether the
// key was resting or probing.
func (k *keyHealth) reset() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	was := k.restUntil.Load() != 0
	k.level = 0
	k.restUntil.Store(0)
	return was
}

// view is the state at now, the time of the next probe (zero when
// active) and the back-off level.
func (k *keyHealth) view(now time.Time) (phase string, nextProbe time.Time, level int) {
	k.mu.Lock()
	defer k.mu.Unlock()
	u := k.restUntil.Load()
	switch {
	case u == 0:
		return keyActive, time.Time{}, 0
	case u > now.UnixNano():
		return keyResting, time.Unix(0, u).UTC(), k.level
	default:
		return keyProbing, time.Unix(0, u).UTC(), k.level
	}
}
