package security

import (
	"math"
	"sync"
	"testing"
	"time"
)

func mustReserve(t *testing.T, k *ClientKey, tokens int, usd float64) Reservation {
	t.Helper()
	r, d := k.Reserve(tokens, usd)
	if d != nil {
		t.Fatalf("Reserve(%d, %v) denied: %+v", tokens, usd, d)
	}
	return r
}

func mustNotReserve(t *testing.T, k *ClientKey, tokens int, usd float64, code string) *Denial {
	t.Helper()
	_, d := k.Reserve(tokens, usd)
	if d == nil {
		t.Fatalf("Reserve(%d, %v) admitted, want %s", tokens, usd, code)
	}
	if d.Code != code || d.Status != 429 {
		t.Fatalf("Reserve(%d, %v) = %d %s, want 429 %s (%s)", tokens, usd, d.Status, d.Code, code, d.Message)
	}
	return d
}

// Requests in flight hold their estimate: the sixth $0.10 request does not
// fit a $0.50 budget while five are running, whatever has been spent.
func TestReserveHoldsTheBudgetForRequestsInFlight(t *testing.T) {
	k, _ := newTestKey(t, ClientKeyConfig{BudgetUSD: 0.5, BudgetPeriod: time.Hour})
	var held []Reservation
	for range 5 {
		held = append(held, mustReserve(t, k, 10, 0.1))
	}
	d := mustNotReserve(t, k, 10, 0.1, CodeBudgetReserved)
	if d.Type != DenialBudgetExceeded || d.RetryAfter != time.Second {
		t.Fatalf("denial = %+v", d)
	}
	if got := k.Reserved(); math.Abs(got-0.5) > 1e-12 {
		t.Fatalf("Reserved = %v, want 0.5", got)
	}
	// Two settle below their estimate: spent 0.10, held 0.30, so a new
	// $0.10 request fits exactly.
	k.Release(held[0], 10, 0.05)
	mustNotReserve(t, k, 10, 0.1, CodeBudgetReserved) // 0.05 + 0.40 + 0.10 > 0.50
	k.Release(held[1], 10, 0.05)
	held = append(held[2:], mustReserve(t, k, 10, 0.1))
	// A failed request gives its hold back and costs nothing.
	for _, r := range held {
		k.Release(r, 0, 0)
	}
	if got, spent := k.Reserved(), k.Spent(); got != 0 || spent != 0.1 {
		t.Fatalf("after releasing all: Reserved = %v, Spent = %v; want 0 and 0.1", got, spent)
	}
}

// With nothing in flight, one request may use the last of the budget even
// when its estimate is larger than what is left; a second must wait for it.
func TestReserveLetsOneRequestUseTheLastOfTheBudget(t *testing.T) {
	k, _ := newTestKey(t, ClientKeyConfig{BudgetUSD: 1})
	k.Charge(0, 0.95)
	r := mustReserve(t, k, 10, 0.5)
	mustNotReserve(t, k, 10, 0.01, CodeBudgetReserved)
	k.Release(r, 10, 0.2)
	mustNotReserve(t, k, 10, 0.01, CodeInsufficientQuota) // $1.15 spent
}

// The hold survives a budget period ending under it, and the settled cost
// goes to the period the request ends in.
func TestReserveAcrossPeriodRollover(t *testing.T) {
	k, clock := newTestKey(t, ClientKeyConfig{BudgetUSD: 1, BudgetPeriod: time.Hour})
	k.Charge(0, 0.5)
	r := mustReserve(t, k, 0, 0.4)
	clock.Advance(time.Hour)
	mustNotReserve(t, k, 0, 0.7, CodeBudgetReserved) // 0 + 0.4 + 0.7 > 1
	k.Release(r, 0, 0.3)
	if k.Spent() != 0.3 || k.Reserved() != 0 {
		t.Fatalf("Spent = %v, Reserved = %v; want 0.3 and 0", k.Spent(), k.Reserved())
	}
}

// Tokens: the estimate is taken at admission and corrected at Release.
func TestReserveTakesAndCorrectsTokens(t *testing.T) {
	k, _ := newTestKey(t, ClientKeyConfig{TokensPerMinute: 1000})
	r := mustReserve(t, k, 600, 0)
	mustNotReserve(t, k, 600, 0, CodeRateLimited)
	k.Release(r, 100, 0)
	mustReserve(t, k, 900, 0)
	// A request larger than the whole limit is refused as too large, with
	// or without a budget hold in the way.
	if _, d := k.Reserve(math.MaxInt, 0); d == nil || d.Status != 413 {
		t.Fatalf("Reserve(MaxInt) = %+v, want 413", d)
	}
}

// Without a budget nothing is held, and Release of such a reservation
// leaves the in-flight accounting alone.
func TestReserveWithoutBudgetHoldsNothing(t *testing.T) {
	k, _ := newTestKey(t, ClientKeyConfig{})
	r := mustReserve(t, k, 10, 5)
	if r.USD() != 0 || k.Reserved() != 0 {
		t.Fatalf("held %v (Reserved %v) without a budget", r.USD(), k.Reserved())
	}
	k.Release(r, 10, 1)
	if k.Spent() != 1 {
		t.Fatalf("Spent = %v, want 1", k.Spent())
	}
}

// Issue 14: 20 concurrent requests against a $0.50 budget. Each is
// estimated at $0.10 and really costs $0.12 (the estimate is 20% low). The
// overshoot must be bounded by the estimate errors of the requests that
// could be admitted, not by the 20 in flight: all reserve before any
// settles, as when 20 streams start together.
func TestReserveBoundsConcurrentOvershoot(t *testing.T) {
	const (
		budget   = 0.5
		estimate = 0.1
		actual   = 0.12
		clients  = 20
	)
	k, _ := newTestKey(t, ClientKeyConfig{BudgetUSD: budget, BudgetPeriod: 24 * time.Hour})
	var (
		wg       sync.WaitGroup
		start    = make(chan struct{})
		reserved sync.WaitGroup
		mu       sync.Mutex
		admitted []Reservation
	)
	reserved.Add(clients)
	for range clients {
		wg.Go(func() {
			<-start
			r, d := k.Reserve(100, estimate)
			if d == nil {
				mu.Lock()
				admitted = append(admitted, r)
				mu.Unlock()
			}
			reserved.Done()
		})
	}
	close(start)
	reserved.Wait() // every request was admitted or refused before any settles
	for _, r := range admitted {
		wg.Go(func() { k.Release(r, 100, actual) })
	}
	wg.Wait()
	n := len(admitted)
	if n != 5 {
		t.Fatalf("%d of %d concurrent requests admitted, want 5 ($0.50 / $0.10)", n, clients)
	}
	spent := k.Spent()
	bound := budget + float64(n)*(actual-estimate) // each admitted request's estimate error
	if spent > bound+1e-9 {
		t.Fatalf("spent $%.4f against a $%.2f budget; the bound is $%.4f", spent, budget, bound)
	}
	if k.Reserved() != 0 {
		t.Fatalf("Reserved = %v after every request settled", k.Reserved())
	}
}
