package governance

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/testclock"
)

// BenchmarkLookup compares finding a managed key among 1 and among
// 10,000: the index is a map by digest, so both cost one SHA-256 and one
// map read, with no allocation.
func BenchmarkLookup(b *testing.B) {
	for _, n := range []int{1, 10_000} {
		b.Run(fmt.Sprintf("keys=%d", n), func(b *testing.B) {
			g, secrets := benchGov(b, n)
			secret := secrets[n/2]
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if g.Lookup(secret, epoch) == nil {
					b.Fatal("not found")
				}
			}
		})
	}
}

// benchGov builds n keys in one step (through the same rebuild as a
// change read from storage), rather than n creates.
func benchGov(b *testing.B, n int) (*Governance, []string) {
	b.Helper()
	clock := testclock.At(epoch)
	g, err := New(b.Context(), tempStorage(b), Options{Now: clock.Now})
	if err != nil {
		b.Fatal(err)
	}
	s := &state{Version: 1}
	secrets := make([]string, n)
	for i := range n {
		secrets[i] = fmt.Sprintf("sk-aib-bench-%08d", i)
		h := sha256.Sum256([]byte(secrets[i]))
		s.Keys = append(s.Keys, &Key{ID: fmt.Sprintf("key_%08d", i), Hash: hex.EncodeToString(h[:]), Rev: 1,
			Limits: Limits{RequestsPerMinute: 1000}})
	}
	g.mu.Lock()
	g.rebuildLocked(s)
	g.mu.Unlock()
	return g, secrets
}

func TestLookupDoesNotAllocate(t *testing.T) {
	g := newTestGov(t, "", testclock.At(epoch))
	_, secret := mustCreate(t, g, KeyInput{LimitsInput: LimitsInput{RequestsPerMinute: ptr(5)}})
	if n := testing.AllocsPerRun(100, func() { g.Lookup(secret, epoch) }); n != 0 {
		t.Fatalf("Lookup allocates %v times", n)
	}
}
