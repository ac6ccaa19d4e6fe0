package security

import (
	"fmt"
	"math"
	"time"

	"github.com/sira-ai/caddy-ai-backends/internal/sat"
)

// Reservation is what Reserve set aside for one admitted request: its token
// estimate, taken from the per-minute bucket, and its cost estimate, held
// against the budget until the request settles. Pass it to Release exactly
// once, with what the request really used (zero when it failed).
type Reservation struct {
	tokens int
	usd    float64 // the cost estimate held; 0 when nothing was held
	held   bool    // counted among the budget's requests in flight
}

// Tokens is the token estimate the reservation took from the bucket.
func (r Reservation) Tokens() int { return r.tokens }

// USD is the cost estimate held against the budget (0 without a budget).
func (r Reservation) USD() float64 { return r.usd }

// CodeBudgetReserved is the denial code when what is left of the budget is
// held by requests in flight: unlike insufficient_quota, retrying soon may
// succeed.
const CodeBudgetReserved = "budget_reserved"

// budgetRetry is the Retry-After of a request refused because the rest of
// the budget is held by requests in flight: they settle within their own
// deadline, usually seconds, and may give most of it back.
const budgetRetry = time.Second

// Reserve admits a request like Admit and, when the key has a budget, holds
// estimatedUSD (the most the request is expected to cost) against it until
// Release. Spend is otherwise only known when a request ends, so without a
// reservation every request in flight would see the same unspent budget.
//
// The budget rule, with spent the settled spend of the current period and
// reserved the sum held by requests in flight:
//
//   - spent >= budget: denied (the budget is used up);
//   - otherwise admitted if spent + reserved + estimate <= budget;
//   - or, when nothing at all is in flight, admitted anyway, so a single
//     request can always use the last of the budget even when its
//     estimate is larger than what is left.
//
// So a period overshoots its budget by at most the amounts by which admitted
// requests cost more than their estimates, plus (the last rule) one
// request's cost beyond the remaining budget; never by the number of
// requests in flight. The estimate is an upper bound when the request sets
// max_tokens (the caller prices it at the most expensive candidate), so the
// first term is then only the error of the prompt estimate.
//
// The allowed path does not allocate.
func (k *ClientKey) Reserve(estimatedTokens int, estimatedUSD float64) (Reservation, *Denial) {
	tokens := int64(sat.Count(estimatedTokens))
	usd := sat.USD(estimatedUSD)
	now := k.now()
	v := k.admitReserving(tokens, usd, now)
	if v.reason != admitted {
		return Reservation{}, k.denial(v, tokens)
	}
	if k.budgetUSD > 0 {
		return Reservation{tokens: int(tokens), usd: usd, held: true}, nil
	}
	return Reservation{tokens: int(tokens)}, nil
}

// Release settles a reservation: the token bucket is corrected by actual
// tokens minus the estimate (as Settle), costUSD is added to the spend, and
// the held estimate is returned to the budget. A failed request passes 0
// and 0, which gives everything back.
func (k *ClientKey) Release(r Reservation, actualTokens int, costUSD float64) {
	now := k.now()
	k.mu.Lock()
	defer k.mu.Unlock()
	k.chargeLocked(int64(sat.Sub(sat.Count(actualTokens), r.tokens)), costUSD, now)
	if r.held && k.inFlight > 0 {
		k.inFlight--
		k.reservedUSD = max(k.reservedUSD-r.usd, 0)
		// Floating-point sums do not return to exactly zero: with nothing
		// in flight, nothing is held (and the "nothing in flight" rule of
		// Reserve applies again).
		if k.inFlight == 0 {
			k.reservedUSD = 0
		}
	}
}

// Reserved is the cost estimate, in USD, held by requests in flight.
func (k *ClientKey) Reserved() float64 {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.reservedUSD
}

// admitReserving is admit plus the budget reservation, under the lock: the
// check and the hold are one step, so concurrent requests cannot all see the
// same remaining budget.
func (k *ClientKey) admitReserving(tokens int64, usd float64, now time.Time) verdict {
	k.mu.Lock()
	defer k.mu.Unlock()
	tooLarge := !k.tokens.unlimited() && tokens > k.tokens.perMinute // admitLocked answers 413
	if k.budgetUSD > 0 && !tooLarge {
		k.budget.roll(now)
		if k.inFlight > 0 && k.budget.spent < k.budgetUSD &&
			sat.AddUSD(sat.AddUSD(k.budget.spent, k.reservedUSD), usd) > k.budgetUSD {
			return verdict{reason: deniedReserved, spent: k.budget.spent, reserved: k.reservedUSD, wait: budgetRetry}
		}
	}
	v := k.admitLocked(tokens, now)
	if v.reason == admitted && k.budgetUSD > 0 {
		k.inFlight++
		k.reservedUSD = sat.AddUSD(k.reservedUSD, usd)
	}
	return v
}

// chargeLocked is Charge with the lock held.
func (k *ClientKey) chargeLocked(tokenDelta int64, costUSD float64, now time.Time) {
	if !k.tokens.unlimited() && tokenDelta != 0 {
		k.tokens.adjust(tokenDelta, now)
	}
	if costUSD > 0 && !math.IsInf(costUSD, 1) {
		k.budget.roll(now)
		k.budget.spent = sat.AddUSD(k.budget.spent, costUSD)
	}
}

// reservedDenial is the answer when the rest of the budget is held by
// requests in flight.
func (k *ClientKey) reservedDenial(v verdict) *Denial {
	return &Denial{
		Status: 429, Type: DenialBudgetExceeded, Code: CodeBudgetReserved, RetryAfter: v.wait,
		Message: fmt.Sprintf("budget nearly used up: this API key has spent $%.2f of its $%.2f budget and requests in flight "+
			"hold up to $%.2f more; retry when they finish, or lower max_tokens", v.spent, k.budgetUSD, v.reserved),
	}
}
