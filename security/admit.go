package security

import (
	"fmt"
	"time"

	"github.com/sira-ai/caddy-ai-backends/internal/sat"
)

// denialReason is what admit found, decided under the key's lock; the
// Denial (which allocates) is only built after the lock is released.
type denialReason uint8

const (
	admitted denialReason = iota
	deniedTooLarge
	deniedBudget
	deniedRequests
	deniedTokens
	deniedReserved // the rest of the budget is held by requests in flight
)

type verdict struct {
	reason   denialReason
	wait     time.Duration
	spent    float64
	reserved float64
	resetsAt time.Time
}

// Admit decides, before any upstream call, whether the key may send a
// request expected to use estimatedTokens tokens (prompt + max completion).
// It returns nil when allowed, and then consumes one request and the
// estimate from the per-minute buckets. A denied request consumes nothing.
//
// Checks, in order: a request larger than the whole token-per-minute limit is
// refused for good (413, no retry-after: waiting would never help); an
// exhausted budget (429 insufficient_quota, retry-after = period reset); the
// request and token buckets (429, retry-after = when both have room).
//
// After the response, report the real usage with Settle (or Charge). If the
// upstream call fails, Settle(estimate, 0, 0) returns the estimate.
//
// The allowed path does not allocate.
func (k *ClientKey) Admit(estimatedTokens int) *Denial {
	tokens := int64(max(estimatedTokens, 0))
	now := k.now()
	v := k.admit(tokens, now)
	if v.reason == admitted {
		return nil
	}
	return k.denial(v, tokens)
}

func (k *ClientKey) admit(tokens int64, now time.Time) verdict {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.admitLocked(tokens, now)
}

// admitLocked is admit with k.mu held.
func (k *ClientKey) admitLocked(tokens int64, now time.Time) verdict {
	if !k.tokens.unlimited() && tokens > k.tokens.perMinute {
		return verdict{reason: deniedTooLarge}
	}
	if k.budgetUSD > 0 {
		k.budget.roll(now)
		if k.budget.spent >= k.budgetUSD {
			v := verdict{reason: deniedBudget, spent: k.budget.spent, resetsAt: k.budget.resetsAt()}
			if !v.resetsAt.IsZero() {
				v.wait = v.resetsAt.Sub(now)
			}
			return v
		}
	}
	var v verdict
	if !k.requests.unlimited() {
		k.requests.refill(now)
		if w := k.requests.wait(1); w > 0 {
			v = verdict{reason: deniedRequests, wait: w}
		}
	}
	if !k.tokens.unlimited() {
		k.tokens.refill(now)
		// Report the longer wait, so that a retry after RetryAfter passes both.
		if w := k.tokens.wait(tokens); w > v.wait {
			v = verdict{reason: deniedTokens, wait: w}
		}
	}
	if v.reason != admitted {
		return v
	}
	if !k.requests.unlimited() {
		k.requests.take(1)
	}
	if !k.tokens.unlimited() {
		k.tokens.take(tokens)
	}
	return v
}

// Charge records what a request admitted by Admit really used.
//
// tokenDelta is actual tokens minus the estimate given to Admit: a positive
// delta takes the excess from the token bucket (it may go into debt, at most
// one minute's worth, which later requests wait off), a negative one gives
// the unused part back. costUSD is added to the current budget period;
// non-positive, NaN or infinite costs are ignored. Spending is tracked even
// without a budget, for Spent.
//
// Settle is the same with the subtraction done for you.
func (k *ClientKey) Charge(tokenDelta int, costUSD float64) {
	now := k.now()
	k.mu.Lock()
	defer k.mu.Unlock()
	k.chargeLocked(int64(tokenDelta), costUSD, now)
}

// Settle is Charge(actualTokens - estimatedTokens, costUSD), with negative
// counts treated as 0 just as Admit does.
func (k *ClientKey) Settle(estimatedTokens, actualTokens int, costUSD float64) {
	k.Charge(sat.Sub(sat.Count(actualTokens), sat.Count(estimatedTokens)), costUSD)
}

// Spent is how much the key has spent, in USD, in the current budget period.
func (k *ClientKey) Spent() float64 {
	now := k.now()
	k.mu.Lock()
	defer k.mu.Unlock()
	k.budget.roll(now)
	return k.budget.spent
}

// BudgetResetsAt is when the current budget period ends; the zero time when
// the key's budget never resets.
func (k *ClientKey) BudgetResetsAt() time.Time {
	now := k.now()
	k.mu.Lock()
	defer k.mu.Unlock()
	k.budget.roll(now)
	return k.budget.resetsAt()
}

// denial turns a verdict into the caller-facing answer. Messages state the
// limit and when to retry, but never the key's label.
func (k *ClientKey) denial(v verdict, tokens int64) *Denial {
	switch v.reason {
	case deniedReserved:
		return k.reservedDenial(v)
	case deniedTooLarge:
		return &Denial{
			Status: 413,
			Type:   DenialRateLimited,
			Code:   CodeRequestTooLarge,
			Message: fmt.Sprintf("request too large: it needs about %d tokens but this API key allows at most %d tokens per minute; "+
				"shorten the prompt or lower max_tokens", tokens, k.tokens.perMinute),
		}
	case deniedBudget:
		msg := fmt.Sprintf("budget exceeded: this API key has spent $%.2f of its $%.2f budget", v.spent, k.budgetUSD)
		if v.resetsAt.IsZero() {
			msg += ", which does not reset; ask the gateway operator to raise it"
		} else {
			msg += fmt.Sprintf(" for the current %s period; it resets at %s (in %s)",
				k.budget.period, v.resetsAt.UTC().Format(time.RFC3339), roundUp(v.wait))
		}
		return &Denial{Status: 429, Type: DenialBudgetExceeded, Code: CodeInsufficientQuota, Message: msg, RetryAfter: v.wait}
	case deniedRequests:
		return &Denial{
			Status:     429,
			Type:       DenialRateLimited,
			Code:       CodeRateLimited,
			Message:    fmt.Sprintf("rate limit exceeded: this API key allows %d requests per minute; retry in %s", k.requests.perMinute, roundUp(v.wait)),
			RetryAfter: v.wait,
		}
	default: // deniedTokens
		return &Denial{
			Status: 429,
			Type:   DenialRateLimited,
			Code:   CodeRateLimited,
			Message: fmt.Sprintf("rate limit exceeded: this API key allows %d tokens per minute and this request needs about %d; retry in %s",
				k.tokens.perMinute, tokens, roundUp(v.wait)),
			RetryAfter: v.wait,
		}
	}
}
