package routing

import (
	"slices"
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/catalog"
)

// fleetTest is one crafted fleet and the order a strategy must produce.
type fleetTest struct {
	name  string
	opts  Options
	req   Request
	cands []Candidate
	want  []string // IDs in order
}

func runFleet(t *testing.T, strategy string, tests []fleetTest) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustNew(t, strategy, tt.opts)
			d := s.Route(&tt.req, tt.cands)
			checkDecision(t, tt.cands, d)
			if got := ids(tt.cands, d); !slices.Equal(got, tt.want) {
				t.Errorf("order %v, want %v\nreasoning: %q", got, tt.want, d.Reasoning)
			}
			if d.Strategy != strategy {
				t.Errorf("strategy %q, want %q", d.Strategy, strategy)
			}
		})
	}
}

func TestCostStrategy(t *testing.T) {
	mini := cand(t, "openai", "gpt-4o-mini")
	big := cand(t, "openai", "gpt-4o")
	haiku := cand(t, "anthropic", "claude-3-5-haiku")
	flash := cand(t, "gemini", "gemini-2.0-flash")
	lite := cand(t, "gemini", "gemini-2.5-flash-lite")
	small := cand(t, "demo", "sim-small")
	unpriced := Candidate{ID: "local/llama3.1", Provider: "local", Healthy: true,
		Spec: catalog.Spec{Tools: true, Vision: true, JSONMode: true, Streaming: true}}
	// Cheap input and dear output, and the reverse: which wins depends on
	// the expected output length.
	inputHeavy := Candidate{ID: "a/in", Provider: "a", Healthy: true,
		Spec: catalog.Spec{Streaming: true, Prices: catalog.Prices{Input: 10, Output: 1}}}
	outputHeavy := Candidate{ID: "b/out", Provider: "b", Healthy: true,
		Spec: catalog.Spec{Streaming: true, Prices: catalog.Prices{Input: 1, Output: 100}}}

	plain := Request{Model: "m", PromptTokens: 1000}
	runFleet(t, StrategyCost, []fleetTest{
		{"cheapest first", Options{}, plain,
			[]Candidate{big, haiku, mini, flash},
			[]string{"gemini/gemini-2.0-flash", "openai/gpt-4o-mini", "anthropic/claude-3-5-haiku", "openai/gpt-4o"}},
		{"ties keep configured order", Options{}, plain,
			[]Candidate{lite, flash}, []string{"gemini/gemini-2.5-flash-lite", "gemini/gemini-2.0-flash"}},
		{"ties keep configured order reversed", Options{}, plain,
			[]Candidate{flash, lite}, []string{"gemini/gemini-2.0-flash", "gemini/gemini-2.5-flash-lite"}},
		{"unhealthy cheapest goes last", Options{}, plain,
			[]Candidate{big, with(flash, unhealthy), mini},
			[]string{"openai/gpt-4o-mini", "openai/gpt-4o", "gemini/gemini-2.0-flash"}},
		{"unpriced after priced", Options{}, plain,
			[]Candidate{unpriced, big}, []string{"openai/gpt-4o", "local/llama3.1"}},
		{"incapable cheapest excluded", Options{}, Request{PromptTokens: 1000, NeedsVision: true},
			[]Candidate{small, mini}, []string{"openai/gpt-4o-mini"}},
		{"long output favours cheap output", Options{}, Request{PromptTokens: 100},
			[]Candidate{outputHeavy, inputHeavy}, []string{"a/in", "b/out"}},
		{"max_tokens 1 favours cheap input", Options{}, Request{PromptTokens: 100, MaxTokens: 1},
			[]Candidate{inputHeavy, outputHeavy}, []string{"b/out", "a/in"}},
		{"expected output option", Options{ExpectedOutputTokens: 1}, Request{PromptTokens: 100},
			[]Candidate{inputHeavy, outputHeavy}, []string{"b/out", "a/in"}},
	})
}

func TestCostReasoningAndConfidence(t *testing.T) {
	cands := []Candidate{cand(t, "openai", "gpt-4o"), cand(t, "openai", "gpt-4o-mini")}
	d := mustNew(t, StrategyCost, Options{}).Route(&Request{PromptTokens: 1000}, cands)
	// gpt-4o-mini: 1000×0.15 + 256×0.60 per 1M = $0.0003036.
	if !reasoningHas(d, "cost: openai/gpt-4o-mini $0.000304 est. cheapest of 2", "next openai/gpt-4o $0.00506") {
		t.Errorf("reasoning %q", d.Reasoning)
	}
	if !reasoningHas(d, "~1000 prompt + 256 output tokens") {
		t.Errorf("reasoning %q", d.Reasoning)
	}
	if d.Confidence < 0.9 {
		t.Errorf("confidence %v for a 16× price gap", d.Confidence)
	}
	tie := []Candidate{cand(t, "a", "gpt-4o-mini"), cand(t, "b", "gpt-4o-mini")}
	if d := mustNew(t, StrategyCost, Options{}).Route(&Request{PromptTokens: 10}, tie); d.Confidence != 0.5 {
		t.Errorf("tie confidence %v, want 0.5", d.Confidence)
	}
	one := mustNew(t, StrategyCost, Options{}).Route(&Request{}, cands[:1])
	if one.Confidence != 0.9 || one.Alternatives != nil {
		t.Errorf("single candidate: %+v", one)
	}
}

func TestPerformanceStrategy(t *testing.T) {
	a := with(cand(t, "a", "gpt-4o-mini"), latency(300*time.Millisecond))
	b := with(cand(t, "b", "gpt-4o-mini"), latency(100*time.Millisecond))
	c := with(cand(t, "c", "gpt-4o-mini"), latency(200*time.Millisecond))
	fresh := cand(t, "fresh", "gpt-4o-mini")
	// Quick first token but slow to finish, and the reverse.
	ttftFast := with(cand(t, "tf", "gpt-4o-mini"), func(c *Candidate) { c.Latency, c.TTFT = time.Second, 100*time.Millisecond })
	totalFast := with(cand(t, "lf", "gpt-4o-mini"), func(c *Candidate) { c.Latency, c.TTFT = 500*time.Millisecond, 300*time.Millisecond })

	runFleet(t, StrategyPerformance, []fleetTest{
		{"fastest first", Options{}, Request{}, []Candidate{a, b, c},
			[]string{"b/gpt-4o-mini", "c/gpt-4o-mini", "a/gpt-4o-mini"}},
		{"unmeasured first to measure it", Options{}, Request{}, []Candidate{a, fresh, b},
			[]string{"fresh/gpt-4o-mini", "b/gpt-4o-mini", "a/gpt-4o-mini"}},
		{"unhealthy fastest last", Options{}, Request{}, []Candidate{a, with(b, unhealthy), c},
			[]string{"c/gpt-4o-mini", "a/gpt-4o-mini", "b/gpt-4o-mini"}},
		{"stream uses time to first token", Options{}, Request{Stream: true}, []Candidate{totalFast, ttftFast},
			[]string{"tf/gpt-4o-mini", "lf/gpt-4o-mini"}},
		{"non-stream uses full latency", Options{}, Request{}, []Candidate{ttftFast, totalFast},
			[]string{"lf/gpt-4o-mini", "tf/gpt-4o-mini"}},
	})

	d := mustNew(t, StrategyPerformance, Options{}).Route(&Request{}, []Candidate{a, b})
	if !reasoningHas(d, "performance: b/gpt-4o-mini latency 100ms fastest of 2", "next a/gpt-4o-mini 300ms") {
		t.Errorf("reasoning %q", d.Reasoning)
	}
	if want := gapConfidence(2.0 / 3); d.Confidence != want {
		t.Errorf("confidence %v, want %v", d.Confidence, want)
	}
	d = mustNew(t, StrategyPerformance, Options{}).Route(&Request{Stream: true}, []Candidate{totalFast, ttftFast, a})
	if !reasoningHas(d, "tf/gpt-4o-mini time to first token 100ms fastest of 3") {
		t.Errorf("stream reasoning %q", d.Reasoning)
	}
	d = mustNew(t, StrategyPerformance, Options{}).Route(&Request{}, []Candidate{fresh, a})
	if d.Confidence != 0.3 || !reasoningHas(d, "not measured yet") {
		t.Errorf("exploring decision: confidence %v reasoning %q", d.Confidence, d.Reasoning)
	}
}

func TestReliabilityStrategyIsBayesian(t *testing.T) {
	lucky := with(cand(t, "lucky", "gpt-4o-mini"), record(1, 1))
	proven := with(cand(t, "proven", "gpt-4o-mini"), record(999, 1000))
	perfectTen := with(cand(t, "ten", "gpt-4o-mini"), record(10, 10))
	ninetyFive := with(cand(t, "ninetyfive", "gpt-4o-mini"), record(95, 100))
	newcomer := cand(t, "new", "gpt-4o-mini")
	flaky := with(cand(t, "flaky", "gpt-4o-mini"), record(90, 100))
	broken := with(cand(t, "broken", "gpt-4o-mini"), record(50, 100))

	runFleet(t, StrategyReliability, []fleetTest{
		{"999/1000 beats 1/1", Options{}, Request{}, []Candidate{lucky, proven},
			[]string{"proven/gpt-4o-mini", "lucky/gpt-4o-mini"}},
		{"10/10 beats 95/100", Options{}, Request{}, []Candidate{ninetyFive, perfectTen},
			[]string{"ten/gpt-4o-mini", "ninetyfive/gpt-4o-mini"}},
		{"no history beats a 90% record", Options{}, Request{}, []Candidate{flaky, newcomer},
			[]string{"new/gpt-4o-mini", "flaky/gpt-4o-mini"}},
		{"full ranking", Options{}, Request{}, []Candidate{broken, lucky, flaky, proven},
			[]string{"proven/gpt-4o-mini", "lucky/gpt-4o-mini", "flaky/gpt-4o-mini", "broken/gpt-4o-mini"}},
		{"unhealthy most reliable last", Options{}, Request{}, []Candidate{with(proven, unhealthy), broken},
			[]string{"broken/gpt-4o-mini", "proven/gpt-4o-mini"}},
	})

	d := mustNew(t, StrategyReliability, Options{}).Route(&Request{}, []Candidate{lucky, proven})
	if !reasoningHas(d, "proven/gpt-4o-mini 99.8% expected success (999/1000 ok)") ||
		!reasoningHas(d, "next lucky/gpt-4o-mini 95.2% (1/1 ok)") {
		t.Errorf("reasoning %q", d.Reasoning)
	}
	if d.Confidence < 0.9 {
		t.Errorf("confidence %v", d.Confidence)
	}
}

func TestReliabilityPosterior(t *testing.T) {
	tests := []struct {
		c    Candidate
		want float64
	}{
		{Candidate{}, 0.95},
		{Candidate{SuccessRate: 1, Samples: 1}, 20.0 / 21},
		{Candidate{SuccessRate: 0.999, Samples: 1000}, (999 + 19) / 1020.0},
		{Candidate{SuccessRate: 7, Samples: 20}, (20 + 19) / 40.0}, // rate clamped to 1
		{Candidate{SuccessRate: 0.5, Samples: -3}, 0.95},           // negative samples ignored
	}
	for _, tt := range tests {
		if got := Reliability(&tt.c); got < tt.want-1e-12 || got > tt.want+1e-12 {
			t.Errorf("Reliability(%+v) = %v, want %v", tt.c, got, tt.want)
		}
	}
	if Reliability(nil) != 0.95 {
		t.Error("nil candidate")
	}
}

func TestDefaultStrategyKeepsEverything(t *testing.T) {
	small := cand(t, "demo", "sim-small") // no vision
	mini := cand(t, "openai", "gpt-4o-mini")
	runFleet(t, StrategyDefault, []fleetTest{
		{"configured order, no capability filter", Options{}, Request{NeedsVision: true},
			[]Candidate{small, mini}, []string{"demo/sim-small", "openai/gpt-4o-mini"}},
		{"unhealthy last", Options{}, Request{},
			[]Candidate{with(small, unhealthy), mini}, []string{"openai/gpt-4o-mini", "demo/sim-small"}},
	})
	d := mustNew(t, StrategyDefault, Options{}).Route(&Request{}, []Candidate{small, mini})
	if d.Confidence != 0.5 {
		t.Errorf("confidence %v", d.Confidence)
	}
}

func TestLoadBalanceStrategy(t *testing.T) {
	a, b, c := cand(t, "a", "gpt-4o-mini"), cand(t, "b", "gpt-4o-mini"), cand(t, "c", "sim-small")
	runFleet(t, StrategyLoadBalance, []fleetTest{
		{"capable in configured order", Options{}, Request{NeedsVision: true},
			[]Candidate{a, c, b}, []string{"a/gpt-4o-mini", "b/gpt-4o-mini"}},
		{"unhealthy last", Options{}, Request{},
			[]Candidate{with(a, unhealthy), b, c}, []string{"b/gpt-4o-mini", "c/sim-small", "a/gpt-4o-mini"}},
	})
	d := mustNew(t, StrategyLoadBalance, Options{}).Route(&Request{}, []Candidate{a, with(b, unhealthy)})
	if !reasoningHas(d, "load_balance: 1 healthy of 2 capable deployments; the balancer picks") ||
		!reasoningHas(d, "health: b/gpt-4o-mini unhealthy, tried last") {
		t.Errorf("reasoning %q", d.Reasoning)
	}
}

func TestCapabilityStrategy(t *testing.T) {
	small := cand(t, "demo", "sim-small")
	mini := cand(t, "openai", "gpt-4o-mini")
	runFleet(t, StrategyCapability, []fleetTest{
		{"keeps capable in configured order", Options{}, Request{NeedsVision: true},
			[]Candidate{small, mini}, []string{"openai/gpt-4o-mini"}},
		{"plain request keeps all", Options{}, Request{PromptTokens: 10},
			[]Candidate{small, mini}, []string{"demo/sim-small", "openai/gpt-4o-mini"}},
	})
	d := mustNew(t, StrategyCapability, Options{}).Route(&Request{NeedsVision: true}, []Candidate{small, mini})
	if d.Confidence != 0.95 || !reasoningHas(d, "1 of 2 deployments can serve (needs vision") ||
		!reasoningHas(d, "excluded demo/sim-small (no vision)") {
		t.Errorf("confidence %v reasoning %q", d.Confidence, d.Reasoning)
	}
}
