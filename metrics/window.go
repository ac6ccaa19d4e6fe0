package metrics

import (
	"sync"
	"time"
)

// Error-rate window: the last minute, in 5 s buckets, so the rate follows a
// provider's recovery within seconds without jumping on every request.
const (
	errorWindowSpan   = 60 * time.Second
	errorWindowBucket = 5 * time.Second
)

// slidingWindow counts outcomes over the last span of time in fixed-width
// buckets of a ring. A bucket is reused, and cleared, once its time has
// passed, so memory is constant and no goroutine is needed to expire data.
// The clock is injected so tests can move time without sleeping.
type slidingWindow struct {
	now   func() time.Time
	width int64 // bucket width in nanoseconds

	mu      sync.Mutex
	buckets []windowBucket
}

// windowBucket holds the counts of one bucket-width slice of time; epoch is
// that slice's number (Unix nanoseconds / width).
type windowBucket struct {
	epoch          int64
	total, failing uint64
}

// newSlidingWindow covers span with buckets of width bucket (at least one
// bucket). A nil clock means time.Now.
func newSlidingWindow(span, bucket time.Duration, now func() time.Time) *slidingWindow {
	if bucket <= 0 {
		bucket = errorWindowBucket
	}
	n := int((span + bucket - 1) / bucket)
	if n < 1 {
		n = 1
	}
	if now == nil {
		now = time.Now
	}
	return &slidingWindow{now: now, width: int64(bucket), buckets: make([]windowBucket, n)}
}

// record counts one outcome at the current time.
func (w *slidingWindow) record(failed bool) {
	epoch := w.epoch()
	w.mu.Lock()
	b := &w.buckets[w.slot(epoch)]
	if b.epoch != epoch {
		*b = windowBucket{epoch: epoch}
	}
	b.total++
	if failed {
		b.failing++
	}
	w.mu.Unlock()
}

// counts returns the outcomes recorded in the buckets that are still inside
// the window: the current one and the n-1 before it.
func (w *slidingWindow) counts() (failing, total uint64) {
	epoch := w.epoch()
	n := int64(len(w.buckets))
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, b := range w.buckets {
		if age := epoch - b.epoch; age >= 0 && age < n {
			failing += b.failing
			total += b.total
		}
	}
	return failing, total
}

// rate is the failing share of outcomes in the window, 0 when there were none.
func (w *slidingWindow) rate() float64 {
	failing, total := w.counts()
	if total == 0 {
		return 0
	}
	return float64(failing) / float64(total)
}

// epoch numbers the bucket-width slice of time that now falls in, rounding
// down also for times before 1970 (a fake clock may start at zero).
func (w *slidingWindow) epoch() int64 {
	ns := w.now().UnixNano()
	e := ns / w.width
	if ns%w.width < 0 {
		e--
	}
	return e
}

// slot maps an epoch to its ring position.
func (w *slidingWindow) slot(epoch int64) int {
	n := int64(len(w.buckets))
	return int(((epoch % n) + n) % n)
}
