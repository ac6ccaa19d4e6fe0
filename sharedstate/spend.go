package sharedstate

import (
	"context"
	"errors"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Spend counters are integers in nano-USD (1e-9 USD), changed with INCRBY
// so that concurrent instances add up exactly. Micro-USD would round a
// small embedding call (a few tokens at $0.02 per million) to nothing.
const nanoPerUSD = 1e9

// Periods are aligned like the in-process budget window (time.Truncate:
// multiples of the period since the zero time, so 24h resets at UTC
// midnight), identified by their length and start. Each write sets the
// counter to expire two periods later, so Redis forgets ended periods.

// spendKey names the counter of key for the period containing now.
func (s *Store) spendKey(key string, period time.Duration, now time.Time) string {
	if period <= 0 {
		return s.key(kindSpend, "0:0:"+key)
	}
	start := now.Truncate(period)
	return s.key(kindSpend, strconv.FormatInt(period.Milliseconds(), 10)+":"+
		strconv.FormatInt(start.UnixMilli(), 10)+":"+key)
}

// toNano converts a cost to counter units; ok is false for costs that are
// not added (non-positive, NaN, infinite, absurdly large), as in-process.
func toNano(usd float64) (int64, bool) {
	if !(usd > 0) || usd > 1e9 { // NaN fails usd > 0; $1e9 per call is not a cost
		return 0, false
	}
	return int64(math.Round(usd * nanoPerUSD)), true
}

// AddSpend adds usd to key's counter for the current period (of length
// period; <= 0 means one period that never ends) and returns the new total
// in USD, summed over every instance. Non-positive, NaN or infinite costs
// are not added; the current total is returned.
//
// When Redis is unavailable the amount is not lost: it is queued in memory
// and added when Redis is back (see the package documentation), and the
// error tells the caller to use its in-process total meanwhile.
func (s *Store) AddSpend(ctx context.Context, key string, period time.Duration, usd float64) (total float64, err error) {
	nano, ok := toNano(usd)
	if !ok {
		return s.Spent(ctx, key, period)
	}
	k := s.spendKey(key, period, s.now())
	var sum int64
	err = s.do(ctx, opAddSpend, func(ctx context.Context) error {
		var incr *redis.IntCmd
		_, err := s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
			incr = p.IncrBy(ctx, k, nano)
			if period > 0 {
				p.PExpire(ctx, k, 2*period)
			}
			return nil
		})
		if err != nil {
			return err
		}
		sum = incr.Val()
		return nil
	})
	if err != nil {
		s.pending.add(k, nano, period)
		return 0, err
	}
	return float64(sum) / nanoPerUSD, nil
}

// Spent is key's total for the current period, in USD, over all instances.
func (s *Store) Spent(ctx context.Context, key string, period time.Duration) (float64, error) {
	k := s.spendKey(key, period, s.now())
	var sum int64
	err := s.do(ctx, opSpent, func(ctx context.Context) error {
		v, err := s.client.Get(ctx, k).Int64()
		if errors.Is(err, redis.Nil) {
			return nil
		}
		sum = v
		return err
	})
	if err != nil {
		return 0, err
	}
	return float64(sum) / nanoPerUSD, nil
}

// maxPendingSpend bounds the counters queued during an outage; beyond it,
// amounts for new counters are dropped (existing ones still accumulate).
const maxPendingSpend = 10000

// pendingSpend holds the increments that failed, by counter key, until
// Redis is back. A timed-out INCRBY may have been applied anyway, so a
// replay can count an amount twice: budgets err on the safe side.
type pendingSpend struct {
	mu      sync.Mutex
	amounts map[string]pendingAmount
}

type pendingAmount struct {
	nano   int64
	period time.Duration
}

func (p *pendingSpend) add(key string, nano int64, period time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.amounts == nil {
		p.amounts = make(map[string]pendingAmount)
	}
	a, ok := p.amounts[key]
	if !ok && len(p.amounts) >= maxPendingSpend {
		return
	}
	p.amounts[key] = pendingAmount{nano: a.nano + nano, period: period}
}

// take empties the queue.
func (p *pendingSpend) take() map[string]pendingAmount {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.amounts
	p.amounts = nil
	return out
}

// flushPendingSpend replays the queued increments in one MULTI/EXEC (all
// or none), with the usual expiry. On failure they are queued again. It
// runs in the health loop, off the request path, so it may take longer
// than an operation's budget.
func (s *Store) flushPendingSpend() error {
	batch := s.pending.take()
	if len(batch) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), max(s.timeout, time.Second))
	defer cancel()
	_, err := s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for k, a := range batch {
			p.IncrBy(ctx, k, a.nano)
			if a.period > 0 {
				p.PExpire(ctx, k, 2*a.period)
			}
		}
		return nil
	})
	if err != nil {
		for k, a := range batch {
			s.pending.add(k, a.nano, a.period)
		}
	}
	return err
}
