package routing

import (
	"testing"
	"time"
)

// benchFleet is 8 deployments across providers and regions with mixed
// health and history: the size of a realistic alias.
func benchFleet(tb testing.TB) []Candidate {
	ms := time.Millisecond
	return []Candidate{
		with(cand(tb, "openai", "gpt-4o"), func(c *Candidate) { c.Region, c.Latency, c.SuccessRate, c.Samples = "us-east-1", 900*ms, 0.99, 500 }),
		with(cand(tb, "openai", "gpt-4o-mini"), func(c *Candidate) { c.Region, c.Latency, c.SuccessRate, c.Samples = "us-east-1", 500*ms, 0.995, 800 }),
		with(cand(tb, "azure", "gpt-4.1-mini"), func(c *Candidate) { c.Region, c.Latency, c.SuccessRate, c.Samples = "westeurope", 600*ms, 0.98, 300 }),
		with(cand(tb, "anthropic", "claude-sonnet-4-5"), func(c *Candidate) { c.Region, c.Latency, c.SuccessRate, c.Samples = "us-west-2", 1200*ms, 0.97, 200 }),
		with(cand(tb, "anthropic", "claude-haiku-4-5"), func(c *Candidate) { c.Region, c.Latency, c.SuccessRate, c.Samples = "us-west-2", 400*ms, 0.99, 100 }),
		with(cand(tb, "gemini", "gemini-2.5-flash"), func(c *Candidate) { c.Region, c.Latency, c.SuccessRate, c.Samples = "europe-west4", 700*ms, 0.96, 50 }),
		with(cand(tb, "gemini", "gemini-2.5-pro"), func(c *Candidate) {
			c.Region, c.Latency, c.SuccessRate, c.Samples, c.Healthy = "europe-west4", 2000*ms, 0.5, 40, false
		}),
		with(cand(tb, "demo", "sim-small"), func(c *Candidate) { c.Latency = 20 * ms }),
	}
}

var benchRequest = Request{Model: "smart", PromptTokens: 1200, MaxTokens: 512, NeedsTools: true, Stream: true, Region: "eu-west-1"}

func BenchmarkRoute(b *testing.B) {
	cands := benchFleet(b)
	for _, name := range Names() {
		b.Run(name, func(b *testing.B) {
			s := mustNew(b, name, Options{Regions: []string{"us-east"}})
			req := benchRequest
			b.ReportAllocs()
			for b.Loop() {
				s.Route(&req, cands)
			}
		})
	}
}

func BenchmarkRouteParallel(b *testing.B) {
	cands := benchFleet(b)
	s := mustNew(b, StrategyIntelligent, Options{})
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		req := benchRequest
		for pb.Next() {
			s.Route(&req, cands)
		}
	})
}

func BenchmarkCacheHit(b *testing.B) {
	cands := benchFleet(b)
	s := mustNew(b, StrategyIntelligent, Options{})
	c := NewCache(time.Minute, nil)
	req := benchRequest
	c.Put(ShapeKey(&req, s.Name()), 1, s.Route(&req, cands))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, ok := c.Get(ShapeKey(&req, s.Name()), 1); !ok {
				b.Error("miss")
			}
		}
	})
}

// TestRouteAllocations holds Route to the Decision's own allocations:
// Order, Alternatives, and the reasoning (one string and its line slice).
func TestRouteAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	cands := benchFleet(t)
	for _, name := range Names() {
		s := mustNew(t, name, Options{Regions: []string{"us-east"}})
		req := benchRequest
		if n := testing.AllocsPerRun(200, func() { s.Route(&req, cands) }); n > 4 {
			t.Errorf("%s: %v allocations per Route, want <= 4", name, n)
		}
	}
}
