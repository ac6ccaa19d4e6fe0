package metrics

import (
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sira-ai/caddy-ai-backends/catalog"
)

// FuzzLabelHygiene feeds arbitrary label input to every public function:
// the Prometheus client panics on invalid UTF-8, and a key-like string must
// never become a key label.
func FuzzLabelHygiene(f *testing.F) {
	f.Add("openai", "gpt-4o", "cost", "hit", "kfp_0123456789abcdef", 200)
	f.Add("", "", "", "", "", 0)
	f.Add("\xff", "\xfe\xfd", "Strategy!", "HIT", "sk-live-secret", -5)
	f.Add("a", string(make([]byte, 300)), "x.y-z_1", "stale", "kfp_0123456789ABCDEF", 999)
	f.Fuzz(func(t *testing.T, provider, model, enum, result, key string, status int) {
		for _, v := range []string{name(provider), name(model), token(enum), fingerprint(key), statusLabel(status)} {
			if !utf8.ValidString(v) || v == "" || len(v) > maxLabelLen {
				t.Fatalf("unsafe label value %q", v)
			}
		}
		if fp := fingerprint(key); fp != invalidKey && fp != key {
			t.Fatalf("fingerprint(%q) = %q", key, fp)
		}
		l := Labels{Provider: provider, Model: model}
		ObserveRequest(l, status, time.Duration(status))
		ObserveTTFT(l, time.Duration(status))
		AddTokens(l, catalog.Tokens{Input: status, Output: -status})
		AddCost(l, float64(status))
		InflightAdd(provider, status)
		IncRetry(provider)
		IncFallback(provider, model)
		IncRoutingDecision(enum, provider)
		SetBreakerState(provider, model, BreakerValue(enum))
		IncCache(result)
		IncError(enum)
		IncSecurityEvent(result)
		IncKeyRequest(provider, key)
		IncDegraded(enum)
	})
}
