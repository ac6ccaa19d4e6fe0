package aibackends

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/caddyserver/certmagic"

	"github.com/sira-ai/caddy-ai-backends/governance"
)

// BenchmarkManagedKeyRequest serves GET /v1/models (authentication and
// the model filter, no upstream) with a managed key among 1 and among
// 10,000: the lookup is a map read, so the two must cost the same.
func BenchmarkManagedKeyRequest(b *testing.B) {
	for _, n := range []int{1, 10_000} {
		b.Run(fmt.Sprintf("keys=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			secret := writeManagedKeys(b, dir, n)
			gov, err := governance.New(context.Background(), &certmagic.FileStorage{Path: dir}, governance.Options{})
			if err != nil {
				b.Fatal(err)
			}
			h := pipeHandler(b, `{"providers":[{"type":"sim","name":"s","models":["m"]}],"managed_keys":true}`,
				func(h *Handler) { h.gov = gov })
			r := httptest.NewRequest(http.MethodGet, "/v1/models", nil)
			b.ReportAllocs()
			for b.Loop() {
				r.Header.Set("Authorization", "Bearer "+secret)
				w := httptest.NewRecorder()
				_ = h.ServeHTTP(w, r, nil)
				if w.Code != http.StatusOK {
					b.Fatalf("%d %s", w.Code, w.Body.String())
				}
			}
		})
	}
}

// writeManagedKeys stores n keys as the state document governance reads
// at start, far quicker than n creates, and returns the middle key's secret.
func writeManagedKeys(b *testing.B, dir string, n int) string {
	b.Helper()
	keys := make([]governance.Key, n)
	for i := range keys {
		sum := sha256.Sum256(fmt.Appendf(nil, "sk-aib-bench-%08d", i))
		keys[i] = governance.Key{ID: fmt.Sprintf("key_%08d", i), Hash: hex.EncodeToString(sum[:]), Rev: 1,
			Limits: governance.Limits{RequestsPerMinute: 1_000_000}}
	}
	raw, err := json.Marshal(map[string]any{"version": 1, "keys": keys})
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, "ai_backends", "governance", "state.json")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		b.Fatal(err)
	}
	return fmt.Sprintf("sk-aib-bench-%08d", n/2)
}
