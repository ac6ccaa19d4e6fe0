package routing

import (
	"testing"
	"time"
)

func TestIntelligentStrategy(t *testing.T) {
	ms := time.Millisecond
	// mini costs 6% of gpt-4o for the request below.
	cheap := with(cand(t, "cheap", "gpt-4o-mini"), func(c *Candidate) { c.Latency = 800 * ms; c.SuccessRate, c.Samples = 0.999, 1000 })
	dear := with(cand(t, "dear", "gpt-4o"), func(c *Candidate) { c.Latency = 200 * ms; c.SuccessRate, c.Samples = 0.999, 1000 })
	// Same price, but fails half the time.
	cheapFlaky := with(cheap, func(c *Candidate) { c.ID, c.Provider, c.SuccessRate = "flaky/gpt-4o-mini", "flaky", 0.5 })
	cheapFresh := with(cand(t, "fresh", "gpt-4o-mini"), func(*Candidate) {})
	small := cand(t, "demo", "sim-small") // no vision
	req := Request{PromptTokens: 1000}

	runFleet(t, StrategyIntelligent, []fleetTest{
		{"default weights: cheap beats fast", Options{}, req,
			[]Candidate{dear, cheap}, []string{"cheap/gpt-4o-mini", "dear/gpt-4o"}},
		{"latency weight only: fast first", Options{Weights: Weights{Latency: 1}}, req,
			[]Candidate{cheap, dear}, []string{"dear/gpt-4o", "cheap/gpt-4o-mini"}},
		{"latency-heavy weights: fast first", Options{Weights: Weights{Cost: 0.2, Latency: 0.8}}, req,
			[]Candidate{cheap, dear}, []string{"dear/gpt-4o", "cheap/gpt-4o-mini"}},
		{"default weights: a 50% failure rate does not win on price alone", Options{}, req,
			[]Candidate{cheapFlaky, cheap}, []string{"cheap/gpt-4o-mini", "flaky/gpt-4o-mini"}},
		{"cost-heavy weights: flaky but cheap beats reliable but dear", Options{Weights: Weights{Cost: 0.7, Reliability: 0.3}}, req,
			[]Candidate{dear, cheapFlaky}, []string{"flaky/gpt-4o-mini", "dear/gpt-4o"}},
		{"reliability-heavy weights: reliable but dear beats flaky", Options{Weights: Weights{Cost: 0.2, Reliability: 0.8}}, req,
			[]Candidate{cheapFlaky, dear}, []string{"dear/gpt-4o", "flaky/gpt-4o-mini"}},
		{"unmeasured latency is neutral, not a penalty", Options{}, req,
			[]Candidate{dear, cheapFresh}, []string{"fresh/gpt-4o-mini", "dear/gpt-4o"}},
		{"capability filter", Options{}, Request{PromptTokens: 1000, NeedsVision: true},
			[]Candidate{small, dear}, []string{"dear/gpt-4o"}},
		{"health: unhealthy cheapest last", Options{}, req,
			[]Candidate{with(cheap, unhealthy), dear}, []string{"dear/gpt-4o", "cheap/gpt-4o-mini"}},
	})
}

func TestIntelligentReasoningAndConfidence(t *testing.T) {
	ms := time.Millisecond
	a := with(cand(t, "a", "gpt-4o-mini"), latency(400*ms))
	b := with(cand(t, "b", "gpt-4o"), latency(400*ms))
	cands := []Candidate{b, a}
	d := mustNew(t, StrategyIntelligent, Options{}).Route(&Request{PromptTokens: 1000}, cands)
	if !reasoningHas(d, "intelligent: weights cost 0.90, latency 0.05, reliability 0.05") ||
		!reasoningHas(d, "1. a/gpt-4o-mini", "cost $0.000304 (0.06)", "latency 400ms (1.00)", "success 95.0% (0.50)") ||
		!reasoningHas(d, "2. b/gpt-4o", "cost $0.00506 (1.00)") {
		t.Errorf("reasoning %q", d.Reasoning)
	}
	if d.Confidence < 0.6 || d.Confidence > 0.99 {
		t.Errorf("confidence %v for a clear winner", d.Confidence)
	}
	twins := []Candidate{a, with(a, func(c *Candidate) { c.ID, c.Provider = "a2/gpt-4o-mini", "a2" })}
	if d := mustNew(t, StrategyIntelligent, Options{}).Route(&Request{PromptTokens: 1000}, twins); d.Confidence != 0.5 {
		t.Errorf("twins: confidence %v, want 0.5", d.Confidence)
	}
	// Weights are normalised: 18/1/1 is the default 0.9/0.05/0.05.
	d2 := mustNew(t, StrategyIntelligent, Options{Weights: Weights{Cost: 18, Latency: 1, Reliability: 1}}).Route(&Request{PromptTokens: 1000}, cands)
	if d2.Reasoning[0] != d.Reasoning[0] || d2.Confidence != d.Confidence {
		t.Errorf("scaled weights differ: %q vs %q", d2.Reasoning[0], d.Reasoning[0])
	}
}

func TestIntelligentUnpriced(t *testing.T) {
	priced := cand(t, "p", "gpt-4o")
	unpriced := with(cand(t, "u", "gpt-4o"), func(c *Candidate) {
		c.Spec.Prices = priced.Spec.Prices
		c.Spec.Prices.Input, c.Spec.Prices.Output = 0, 0
	})
	cands := []Candidate{unpriced, priced}
	d := mustNew(t, StrategyIntelligent, Options{}).Route(&Request{PromptTokens: 1000}, cands)
	if got := ids(cands, d); got[0] != "p/gpt-4o" || !reasoningHas(d, "u/gpt-4o", "cost unpriced (1.00)") {
		t.Errorf("order %v reasoning %q", got, d.Reasoning)
	}
}
