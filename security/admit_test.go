package security

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/internal/testclock"
)

// newTestKey builds a single key on a fake clock.
func newTestKey(t testing.TB, cfg ClientKeyConfig) (*ClientKey, *testclock.Clock) {
	t.Helper()
	clock := newFakeClock()
	cfg.Key = secretA
	r, err := NewKeyring([]ClientKeyConfig{cfg}, clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	return r.Lookup(secretA), clock
}

func mustAdmit(t *testing.T, k *ClientKey, tokens int) {
	t.Helper()
	if d := k.Admit(tokens); d != nil {
		t.Fatalf("Admit(%d) denied: %+v", tokens, d)
	}
}

func mustDeny(t *testing.T, k *ClientKey, tokens int, status int, code string, retryAfter time.Duration) *Denial {
	t.Helper()
	d := k.Admit(tokens)
	if d == nil {
		t.Fatalf("Admit(%d) allowed, want %s", tokens, code)
	}
	if d.Status != status || d.Code != code || d.RetryAfter != retryAfter {
		t.Fatalf("Admit(%d) = {%d %s %s retry %v}, want {%d %s retry %v}\n%s",
			tokens, d.Status, d.Type, d.Code, d.RetryAfter, status, code, retryAfter, d.Message)
	}
	return d
}

func TestAdmitUnlimited(t *testing.T) {
	k, _ := newTestKey(t, ClientKeyConfig{})
	for range 10000 {
		mustAdmit(t, k, 1_000_000)
	}
}

func TestRequestsPerMinute(t *testing.T) {
	k, clock := newTestKey(t, ClientKeyConfig{RequestsPerMinute: 60})
	for range 60 {
		mustAdmit(t, k, 0)
	}
	d := mustDeny(t, k, 0, 429, CodeRateLimited, time.Second) // one request refills every second
	if d.Type != DenialRateLimited || !strings.Contains(d.Message, "60 requests per minute") || d.RetryAfterSeconds() != 1 {
		t.Fatalf("unexpected denial: %+v", d)
	}
	clock.Advance(999 * time.Millisecond)
	mustDeny(t, k, 0, 429, CodeRateLimited, time.Millisecond)
	clock.Advance(time.Millisecond)
	mustAdmit(t, k, 0)
	mustDeny(t, k, 0, 429, CodeRateLimited, time.Second)
}

func TestRequestsPerMinuteSlowRate(t *testing.T) {
	k, clock := newTestKey(t, ClientKeyConfig{RequestsPerMinute: 3})
	for range 3 {
		mustAdmit(t, k, 0)
	}
	mustDeny(t, k, 0, 429, CodeRateLimited, 20*time.Second)
	clock.Advance(15 * time.Second)
	mustDeny(t, k, 0, 429, CodeRateLimited, 5*time.Second)
	clock.Advance(5 * time.Second)
	mustAdmit(t, k, 0)
}

func TestDeniedRequestsConsumeNothing(t *testing.T) {
	k, clock := newTestKey(t, ClientKeyConfig{RequestsPerMinute: 1, TokensPerMinute: 100})
	mustAdmit(t, k, 50)
	for range 100 {
		if k.Admit(10) == nil {
			t.Fatal("over the limit but admitted")
		}
	}
	clock.Advance(time.Minute)
	mustAdmit(t, k, 100) // the whole minute's tokens are there: denials took none
}

func TestTokensPerMinute(t *testing.T) {
	k, clock := newTestKey(t, ClientKeyConfig{TokensPerMinute: 1000})
	mustAdmit(t, k, 600)
	// 200 tokens are missing; 1000 per minute refill 200 in exactly 12 s.
	d := mustDeny(t, k, 600, 429, CodeRateLimited, 12*time.Second)
	if !strings.Contains(d.Message, "1000 tokens per minute") || !strings.Contains(d.Message, "about 600") {
		t.Fatalf("message: %s", d.Message)
	}
	clock.Advance(12 * time.Second)
	mustAdmit(t, k, 600)
}

func TestRequestLargerThanTokenLimit(t *testing.T) {
	k, _ := newTestKey(t, ClientKeyConfig{TokensPerMinute: 1000})
	d := mustDeny(t, k, 1001, 413, CodeRequestTooLarge, 0)
	if d.RetryAfterSeconds() != 0 || !strings.Contains(d.Message, "at most 1000 tokens per minute") {
		t.Fatalf("unexpected denial: %+v", d)
	}
	mustAdmit(t, k, 1000) // nothing was consumed
}

func TestSettleCorrectsTheEstimate(t *testing.T) {
	k, clock := newTestKey(t, ClientKeyConfig{TokensPerMinute: 1000})

	mustAdmit(t, k, 600)
	k.Settle(600, 100, 0) // used less: 500 come back
	mustAdmit(t, k, 900)

	clock.Advance(time.Minute)
	mustAdmit(t, k, 100)
	k.Settle(100, 5000, 0) // used far more: the bucket goes into debt, capped at one minute's worth
	// Level is -1000; one token needs 1001 tokens of refill: 60.06 s.
	mustDeny(t, k, 1, 429, CodeRateLimited, 60060*time.Millisecond)
	clock.Advance(60060 * time.Millisecond)
	mustAdmit(t, k, 1)

	k.Charge(-1_000_000, 0) // a huge refund cannot overfill the bucket
	mustAdmit(t, k, 1000)
	mustDeny(t, k, 1, 429, CodeRateLimited, 60*time.Millisecond)
}

func TestClockSteppingBackwards(t *testing.T) {
	k, clock := newTestKey(t, ClientKeyConfig{RequestsPerMinute: 1, BudgetUSD: 1, BudgetPeriod: time.Hour})
	mustAdmit(t, k, 0)
	k.Charge(0, 1)
	clock.Advance(-3 * time.Hour) // no refill, and no earlier budget period reopens
	mustDeny(t, k, 0, 429, CodeInsufficientQuota, 4*time.Hour)
	clock.Advance(4 * time.Hour) // a new period, and a full minute since the bucket was last seen
	mustAdmit(t, k, 0)
}

func TestBothLimitsReportTheLongerWait(t *testing.T) {
	k, _ := newTestKey(t, ClientKeyConfig{RequestsPerMinute: 60, TokensPerMinute: 600})
	mustAdmit(t, k, 600)
	// Requests wait 0 s (59 left) but tokens wait 60 s for 600.
	mustDeny(t, k, 600, 429, CodeRateLimited, time.Minute)
}

func TestBudgetExhaustedAndReset(t *testing.T) {
	k, clock := newTestKey(t, ClientKeyConfig{BudgetUSD: 1, BudgetPeriod: 24 * time.Hour})
	mustAdmit(t, k, 10)
	k.Settle(10, 10, 0.6)
	mustAdmit(t, k, 10) // $0.60 spent: still under budget
	k.Charge(0, 0.5)
	if got := k.Spent(); got != 1.1 {
		t.Fatalf("Spent = %v, want 1.1", got)
	}
	// The clock is at 12:00 UTC: the daily period resets at midnight, in 12 h.
	d := mustDeny(t, k, 10, 429, CodeInsufficientQuota, 12*time.Hour)
	if d.Type != DenialBudgetExceeded || !strings.Contains(d.Message, "2025-03-11T00:00:00Z") ||
		!strings.Contains(d.Message, "$1.10 of its $1.00") {
		t.Fatalf("unexpected denial: %+v", d)
	}
	if got := k.BudgetResetsAt(); !got.Equal(time.Date(2025, 3, 11, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("BudgetResetsAt = %v", got)
	}
	clock.Advance(12*time.Hour - time.Nanosecond)
	mustDeny(t, k, 10, 429, CodeInsufficientQuota, time.Nanosecond)
	clock.Advance(time.Nanosecond)
	if got := k.Spent(); got != 0 {
		t.Fatalf("Spent after reset = %v, want 0", got)
	}
	mustAdmit(t, k, 10)
}

func TestBudgetWithoutPeriodNeverResets(t *testing.T) {
	k, clock := newTestKey(t, ClientKeyConfig{BudgetUSD: 5})
	k.Charge(0, 5)
	d := mustDeny(t, k, 1, 429, CodeInsufficientQuota, 0)
	if !strings.Contains(d.Message, "does not reset") {
		t.Fatalf("message: %s", d.Message)
	}
	clock.Advance(10000 * time.Hour)
	mustDeny(t, k, 1, 429, CodeInsufficientQuota, 0)
	if !k.BudgetResetsAt().IsZero() {
		t.Fatal("a budget without period has no reset time")
	}
}

func TestChargeIgnoresNonsenseCosts(t *testing.T) {
	k, _ := newTestKey(t, ClientKeyConfig{BudgetUSD: 1})
	for _, c := range []float64{-1, 0, nan(), inf()} {
		k.Charge(0, c)
	}
	if k.Spent() != 0 {
		t.Fatalf("Spent = %v, want 0", k.Spent())
	}
	mustAdmit(t, k, 1)
}

func TestAdmitConcurrent(t *testing.T) {
	k, _ := newTestKey(t, ClientKeyConfig{RequestsPerMinute: 500, TokensPerMinute: 1_000_000})
	var admitted atomic.Int64
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			for range 20 {
				if k.Admit(10) == nil {
					admitted.Add(1)
					k.Settle(10, 12, 0.001)
				}
				_ = k.Spent()
			}
		})
	}
	wg.Wait()
	if admitted.Load() != 500 {
		t.Fatalf("admitted %d of 1000 with a frozen clock, want exactly 500", admitted.Load())
	}
}

func TestAllowedPathDoesNotAllocate(t *testing.T) {
	r := mustKeyring(t, ClientKeyConfig{Key: secretA, RequestsPerMinute: maxPerMinute, TokensPerMinute: maxPerMinute, BudgetUSD: 1e9})
	allocs := testing.AllocsPerRun(1000, func() {
		k := r.Lookup(secretA)
		if k.Admit(100) != nil {
			t.Fatal("denied")
		}
		k.Settle(100, 90, 0.0001)
	})
	if allocs != 0 {
		t.Fatalf("Lookup+Admit+Settle allocates %v times per request", allocs)
	}
}

func TestDenialHelpers(t *testing.T) {
	if d := InvalidKeyDenial(); d.Status != 401 || d.Type != DenialInvalidKey || d.Error() == "" {
		t.Fatalf("InvalidKeyDenial = %+v", d)
	}
	d := ModelDenial(strings.Repeat("m", 1000))
	if d.Status != 403 || d.Type != DenialModelNotAllowed || len(d.Message) > 300 {
		t.Fatalf("ModelDenial = %+v", d)
	}
	a := AnomalyDenial(1500 * time.Millisecond)
	if a.Status != 429 || a.Code != CodeAnomalousTraffic || a.RetryAfterSeconds() != 2 {
		t.Fatalf("AnomalyDenial = %+v", a)
	}
}
