package sharedstate

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// Budget reservations: a request holds its estimated cost against the
// budget from admission until it settles, so that requests in flight on
// every instance see each other (security.ClientKey.Reserve is the
// in-process equivalent and states the rule).
//
// The holds of one budget are a sorted set: each member is
// "{id}:{nano-USD}" scored by the instant (Unix ms) it expires. A request
// removes its member when it settles; a member whose instance died before
// that expires on its own at its deadline, so a crash cannot block a
// budget for longer than one request may run. The admission script drops
// expired members, sums the rest, checks the rule against the spend
// counter and adds the new member, all in one step.

// SpendReservation identifies a hold made by ReserveSpend.
type SpendReservation struct {
	key    string // the zset
	member string
}

// Held reports whether the reservation holds anything (ReleaseSpend of a
// zero SpendReservation does nothing).
func (r SpendReservation) Held() bool { return r.member != "" }

// SpendVerdict is the outcome of ReserveSpend.
type SpendVerdict struct {
	Allowed bool
	// UsedUp: spent >= budget (as opposed to: the rest is held by requests
	// in flight).
	UsedUp   bool
	Spent    float64 // settled spend of the current period, USD
	Reserved float64 // held by requests in flight, USD, before this one
}

// holdIDs make hold members unique across instances: a random prefix per
// process and a sequence number.
var (
	holdPrefix = newHoldPrefix()
	holdSeq    atomic.Uint64
)

func newHoldPrefix() string {
	var b [6]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand panics instead)
	return hex.EncodeToString(b[:])
}

// ReserveSpend admits a request against key's budget of budgetUSD per
// period and holds estimateUSD for it until ReleaseSpend, or until ttl
// has passed (the request's deadline: a hold outlives its request only when
// the instance died). The rule, as in process: denied when spent >= budget;
// admitted when spent + held + estimate <= budget, or when nothing is held.
// An error means Redis is unavailable and nothing was decided or held.
func (s *Store) ReserveSpend(ctx context.Context, key string, period time.Duration, budgetUSD, estimateUSD float64, ttl time.Duration) (SpendReservation, SpendVerdict, error) {
	budget, ok := toNano(budgetUSD)
	if !ok {
		return SpendReservation{}, SpendVerdict{Allowed: true}, nil // no budget, nothing to hold
	}
	estimate, _ := toNano(estimateUSD) // 0 for an unpriced request: held, counted in flight
	now := s.now()
	res := SpendReservation{
		key: s.key(kindReserve, key),
		member: holdPrefix + "." + strconv.FormatUint(holdSeq.Add(1), 36) + ":" +
			strconv.FormatInt(estimate, 10),
	}
	ttl = max(ttl, time.Second)
	var reply []int64
	err := s.do(ctx, opReserve, func(ctx context.Context) error {
		var err error
		reply, err = reserveScript.Run(ctx, s.client,
			[]string{s.spendKey(key, period, now), res.key},
			now.UnixMilli(), budget, estimate, res.member, now.Add(ttl).UnixMilli(), ttl.Milliseconds(),
		).Int64Slice()
		return err
	})
	if err != nil {
		return SpendReservation{}, SpendVerdict{}, err
	}
	if len(reply) != 3 || reply[0] < 0 || reply[0] > 2 {
		return SpendReservation{}, SpendVerdict{}, fmt.Errorf("%w: reserve: unexpected script reply %v", ErrUnavailable, reply)
	}
	v := SpendVerdict{
		Allowed: reply[0] == 0, UsedUp: reply[0] == 1,
		Spent: float64(reply[1]) / nanoPerUSD, Reserved: float64(reply[2]) / nanoPerUSD,
	}
	if !v.Allowed {
		return SpendReservation{}, v, nil
	}
	return res, v, nil
}

// ReleaseSpend ends a hold (the settled cost goes through AddSpend, which
// should come first so the amount is never counted by neither). When Redis
// is unavailable the hold expires at its deadline instead.
func (s *Store) ReleaseSpend(ctx context.Context, r SpendReservation) error {
	if !r.Held() {
		return nil
	}
	return s.do(ctx, opRelease, func(ctx context.Context) error {
		return s.client.ZRem(ctx, r.key, r.member).Err()
	})
}

// Reserved is the sum held against key's budget by requests in flight.
func (s *Store) Reserved(ctx context.Context, key string) (float64, error) {
	var sum int64
	err := s.do(ctx, opReserve, func(ctx context.Context) error {
		members, err := s.client.ZRangeByScore(ctx, s.key(kindReserve, key), &redis.ZRangeBy{
			Min: "(" + strconv.FormatInt(s.now().UnixMilli(), 10), Max: "+inf",
		}).Result()
		for _, m := range members {
			sum += heldNano(m)
		}
		return err
	})
	return float64(sum) / nanoPerUSD, err
}

// heldNano is the amount of a hold member, "{id}:{nano}".
func heldNano(member string) int64 {
	for i := len(member) - 1; i >= 0; i-- {
		if member[i] == ':' {
			n, _ := strconv.ParseInt(member[i+1:], 10, 64)
			return n
		}
	}
	return 0
}

// reserveScript checks the budget rule and adds the hold.
//
// KEYS[1]: the spend counter of the current period, KEYS[2]: the holds.
// ARGV: now (ms), budget and estimate (nano-USD), member, its expiry (ms),
// ttl (ms). Returns {0 admitted | 1 used up | 2 held by others, spent,
// held}. Amounts stay below 2^53 for budgets under about $9 million, which
// Lua's doubles add exactly.
var reserveScript = redis.NewScript(`
local now, budget, est = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local spent = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
local held, n = 0, 0
for _, m in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  held = held + (tonumber(string.match(m, ':(%d+)$')) or 0)
  n = n + 1
end
if spent >= budget then return {1, spent, held} end
if n > 0 and spent + held + est > budget then return {2, spent, held} end
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[4])
local ttl = tonumber(ARGV[6])
if redis.call('PTTL', KEYS[2]) < ttl then redis.call('PEXPIRE', KEYS[2], ttl) end
return {0, spent, held}
`)
