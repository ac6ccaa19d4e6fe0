package sharedstate

import (
	"context"
	"fmt"
	"time"
)

// Limit is one rate-limit bucket a request draws from.
type Limit struct {
	// Key names the bucket, e.g. a client key's fingerprint plus ":rpm".
	// Buckets with the same Key are one bucket across all instances.
	Key string
	// PerMinute is the capacity and the refill per minute; <= 0 (or more
	// than MaxPerMinute) means unlimited, and the bucket is not consulted.
	PerMinute int
	// Cost is how many units the request takes; negative counts as 0.
	Cost int
}

// Decision is the outcome of AllowAll.
type Decision struct {
	Allowed bool
	// RetryAfter is, when denied, how long until every bucket has room for
	// its cost (rounded up to the microsecond). Zero with Allowed false
	// means waiting will never help: a cost exceeds its PerMinute.
	RetryAfter time.Duration
	// Limiting is the index, in the limits given, of the bucket that
	// denied (the one with the longest wait); -1 when allowed.
	Limiting int
}

// enforced reports whether a limit is consulted at all.
func (l Limit) enforced() bool { return l.PerMinute > 0 && l.PerMinute <= MaxPerMinute }

// AllowAll admits a request against all its buckets at once, atomically
// across every instance sharing the Redis: either each bucket gives its
// cost, or (denied) none changes. The semantics are the in-process token
// bucket's: see the GCRA notes in gcra.go. An error means Redis is
// unavailable and nothing was decided; the caller falls back to its
// in-process limiter (or denies when FailClosed).
func (s *Store) AllowAll(ctx context.Context, limits ...Limit) (Decision, error) {
	keys := make([]string, 0, len(limits))
	index := make([]int, 0, len(limits)) // position in limits of each key
	args := make([]any, 1, 1+3*len(limits))
	for i, l := range limits {
		if !l.enforced() {
			continue
		}
		if l.Cost > l.PerMinute {
			return Decision{Limiting: i}, nil // can never fit: 413, no retry
		}
		e := emission(int64(l.Cost), int64(l.PerMinute))
		keys = append(keys, s.key(kindLimit, l.Key))
		index = append(index, i)
		args = append(args, l.PerMinute, e.micros, e.rem)
	}
	if len(keys) == 0 {
		return Decision{Allowed: true, Limiting: -1}, nil
	}
	args[0] = s.now().UnixMicro()
	var reply []int64
	err := s.do(ctx, opAllow, func(ctx context.Context) error {
		var err error
		reply, err = allowScript.Run(ctx, s.client, keys, args...).Int64Slice()
		return err
	})
	if err != nil {
		return Decision{}, err
	}
	if len(reply) != 3 || reply[2] < -1 || reply[2] >= int64(len(index)) {
		return Decision{}, fmt.Errorf("%w: allow: unexpected script reply %v", ErrUnavailable, reply)
	}
	if reply[0] == 1 {
		return Decision{Allowed: true, Limiting: -1}, nil
	}
	return Decision{
		RetryAfter: time.Duration(reply[1]) * time.Microsecond,
		Limiting:   index[reply[2]],
	}, nil
}

// Allow is AllowAll for a single bucket: may a request costing cost units
// pass a limit of perMinute units per minute (burst perMinute)? When not,
// retryAfter says when it would (0: never, cost > perMinute). err != nil
// means Redis is unavailable.
func (s *Store) Allow(ctx context.Context, key string, perMinute, cost int) (allowed bool, retryAfter time.Duration, err error) {
	d, err := s.AllowAll(ctx, Limit{Key: key, PerMinute: perMinute, Cost: cost})
	return d.Allowed, d.RetryAfter, err
}

// Adjust corrects a bucket once the real cost is known, like the in-process
// ClientKey.Charge: a positive delta takes more units (going into debt, at
// most one minute's worth, which later requests wait off), a negative one
// gives units back (never beyond a full bucket).
func (s *Store) Adjust(ctx context.Context, key string, perMinute, delta int) error {
	if delta == 0 || !(Limit{PerMinute: perMinute}).enforced() {
		return nil
	}
	sign, n := 1, int64(delta)
	if delta < 0 {
		sign, n = -1, -n
	}
	e := emission(n, int64(perMinute))
	return s.do(ctx, opAdjust, func(ctx context.Context) error {
		return adjustScript.Run(ctx, s.client, []string{s.key(kindLimit, key)},
			s.now().UnixMicro(), perMinute, sign, e.micros, e.rem).Err()
	})
}

// Refund gives cost units back to a bucket (an estimate that was too high,
// a request that failed before reaching the provider): Adjust(-cost).
func (s *Store) Refund(ctx context.Context, key string, perMinute, cost int) error {
	if cost <= 0 {
		return nil
	}
	return s.Adjust(ctx, key, perMinute, -cost)
}
