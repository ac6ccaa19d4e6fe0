package metrics

import (
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/catalog"
)

// BenchmarkRecordRequest is what the handler does once per request; the
// target is well under 1 µs and no allocations.
func BenchmarkRecordRequest(b *testing.B) {
	l := Labels{Provider: "bench-p", Model: "bench-m"}
	tok := catalog.Tokens{Input: 500, CachedInput: 1500, Output: 300}
	b.ReportAllocs()
	for b.Loop() {
		ObserveRequest(l, 200, 250*time.Millisecond)
		AddTokens(l, tok)
		AddCost(l, 0.006125)
	}
}

func BenchmarkRecordRequestParallel(b *testing.B) {
	l := Labels{Provider: "bench-p", Model: "bench-m"}
	tok := catalog.Tokens{Input: 500, CachedInput: 1500, Output: 300}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			ObserveRequest(l, 200, 250*time.Millisecond)
			AddTokens(l, tok)
			AddCost(l, 0.006125)
		}
	})
}

func BenchmarkRoutingAndCache(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		IncRoutingDecision("cost", "bench-p")
		IncCache(CacheMiss)
		InflightAdd("bench-p", 1)
		InflightAdd("bench-p", -1)
	}
}
