package breaker

import "time"

// windowBuckets is the number of slices the ratio window is cut into.
// Ten keeps memory fixed and small while the window still rolls forward
// smoothly (an event leaves the window within a tenth of its span of when
// it should).
const windowBuckets = 10

// window counts requests and failures over a rolling span of time in fixed
// buckets, so recording an outcome is O(1) and allocation-free no matter how
// much traffic flows. Times are given as durations since the breaker's
// epoch, which keeps the arithmetic on the monotonic clock.
//
// window is not safe for concurrent use; the Breaker's mutex guards it.
type window struct {
	width   time.Duration
	buckets [windowBuckets]bucket
}

// bucket holds the counts of one slice of the window. slot identifies which
// slice of time the counts belong to, so a bucket reused after the window
// has wrapped around is recognised as stale and cleared.
type bucket struct {
	slot     int64
	requests int
	failures int
}

// reset empties the window and sizes its buckets for a window of span d.
func (w *window) reset(span time.Duration) {
	w.width = max(span/windowBuckets, 1)
	w.buckets = [windowBuckets]bucket{}
}

// slotAt returns the index of the time slice that contains elapsed.
func (w *window) slotAt(elapsed time.Duration) int64 {
	// A fake clock may run backwards in a test; clamping keeps the bucket
	// index in range instead of panicking.
	return int64(max(elapsed, 0) / w.width)
}

// record counts one request outcome at elapsed.
func (w *window) record(elapsed time.Duration, failed bool) {
	slot := w.slotAt(elapsed)
	b := &w.buckets[slot%windowBuckets]
	if b.slot != slot {
		*b = bucket{slot: slot}
	}
	b.requests++
	if failed {
		b.failures++
	}
}

// totals returns the requests and failures recorded in the buckets that
// still fall within the window at elapsed.
func (w *window) totals(elapsed time.Duration) (requests, failures int) {
	now := w.slotAt(elapsed)
	for i := range w.buckets {
		b := &w.buckets[i]
		if b.slot > now-windowBuckets && b.slot <= now {
			requests += b.requests
			failures += b.failures
		}
	}
	return requests, failures
}
