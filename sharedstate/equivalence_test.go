package sharedstate

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/security"
)

// The shared limiter must behave exactly like the in-process one, so that
// switching storage changes who shares a limit, not what the limit means.
// This drives the same random sequence of admissions and corrections
// through security.ClientKey (tokens per minute) and through the GCRA
// script, and compares every verdict and retry-after to the microsecond.
func TestGCRAMatchesInProcessBucket(t *testing.T) {
	clock := newFakeClock()
	s := newTestStore(t, shared, clock)

	for _, perMinute := range []int{1, 7, 60, 1000, 123457} {
		t.Run(fmt.Sprint(perMinute), func(t *testing.T) {
			ring, err := security.NewKeyring([]security.ClientKeyConfig{{
				Key: "sk-equivalence-test", TokensPerMinute: perMinute,
			}}, clock.Now)
			if err != nil {
				t.Fatal(err)
			}
			local := ring.Lookup("sk-equivalence-test")
			bucket := fmt.Sprint("eq", perMinute)
			rng := rand.New(rand.NewPCG(uint64(perMinute), 9))
			emissionMicros := int64(time.Minute/time.Microsecond) / int64(perMinute)

			var admitted, refused int
			for step := range 400 {
				// Advance by up to two emission intervals, at µs
				// granularity (the precision both implementations use).
				clock.Advance(time.Duration(rng.Int64N(2*emissionMicros+2)) * time.Microsecond)
				switch op := rng.IntN(10); {
				case op < 7: // admit
					n := rng.IntN(perMinute/4 + 2)
					if rng.IntN(20) == 0 {
						n = perMinute + 1 // oversize
					}
					denial := local.Admit(n)
					ok, retry, err := s.Allow(bg(), bucket, perMinute, n)
					if err != nil {
						t.Fatal(err)
					}
					var wantRetry time.Duration
					if denial != nil && denial.Status == 429 {
						wantRetry = denial.RetryAfter
					}
					if ok {
						admitted++
					} else {
						refused++
					}
					if ok != (denial == nil) || retry != wantRetry {
						t.Fatalf("step %d: admit %d: shared = %v, %v; in-process = %v, %v",
							step, n, ok, retry, denial == nil, wantRetry)
					}
				default: // correct the estimate either way
					delta := rng.IntN(2*perMinute+1) - perMinute
					local.Charge(delta, 0)
					if err := s.Adjust(bg(), bucket, perMinute, delta); err != nil {
						t.Fatal(err)
					}
				}
			}
			if admitted < 20 || refused < 20 {
				t.Fatalf("admitted %d, refused %d: the sequence does not exercise both outcomes", admitted, refused)
			}
		})
	}
}
