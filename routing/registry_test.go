package routing

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestNewAndNames(t *testing.T) {
	want := []string{"default", "cost", "performance", "capability", "reliability", "geographic", "load_balance", "intelligent"}
	if got := Names(); !slices.Equal(got, want) {
		t.Fatalf("Names() = %v", got)
	}
	for _, name := range want {
		s := mustNew(t, name, Options{})
		if s.Name() != name {
			t.Errorf("New(%q).Name() = %q", name, s.Name())
		}
	}
	if s := mustNew(t, "", Options{}); s.Name() != StrategyDefault {
		t.Errorf(`New("") = %s`, s.Name())
	}
	if _, err := New("fastest", Options{}); err == nil || !strings.Contains(err.Error(), "intelligent") {
		t.Errorf("unknown strategy error %v should list the valid names", err)
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	for _, o := range []Options{
		{Weights: Weights{Cost: -1}},
		{Weights: Weights{Latency: math.NaN()}},
		{Weights: Weights{Reliability: math.Inf(1)}},
		{ExpectedOutputTokens: -1},
	} {
		if _, err := New(StrategyIntelligent, o); err == nil {
			t.Errorf("New accepted %+v", o)
		}
	}
}

func TestNormalizeWeights(t *testing.T) {
	if w := normalizeWeights(Weights{}); w != DefaultWeights {
		t.Errorf("zero weights → %+v", w)
	}
	w := normalizeWeights(Weights{Cost: math.MaxFloat64, Latency: math.MaxFloat64})
	if w.Cost != 0.5 || w.Latency != 0.5 || w.Reliability != 0 {
		t.Errorf("huge weights → %+v", w)
	}
	w = normalizeWeights(Weights{Cost: 2, Latency: 1, Reliability: 1})
	if w.Cost != 0.5 || w.Latency != 0.25 || w.Reliability != 0.25 {
		t.Errorf("2/1/1 → %+v", w)
	}
}

func TestNewDecision(t *testing.T) {
	cands := []Candidate{{ID: "a/m", Provider: "a"}, {ID: "b/m", Provider: "b"}, {ID: "c/m", Provider: "c"}}
	d := NewDecision("custom", cands, []int{2, -1, 0, 2, 7}, 1.7, "because")
	if !slices.Equal(d.Order, []int{2, 0}) || d.Provider != "c" || !slices.Equal(d.Alternatives, []string{"a/m"}) ||
		d.Confidence != 1 || d.Strategy != "custom" || !slices.Equal(d.Reasoning, []string{"because"}) {
		t.Errorf("NewDecision = %+v", d)
	}
	empty := NewDecision("custom", cands, []int{9}, 0.8)
	if len(empty.Order) != 0 || empty.Provider != "" || empty.Confidence != 0 {
		t.Errorf("empty NewDecision = %+v", empty)
	}
}

func TestEstimateCost(t *testing.T) {
	req := &Request{PromptTokens: 1000}
	tests := []struct {
		model string
		want  float64
		known bool
	}{
		{"gpt-4o-mini", (1000*0.15 + 256*0.60) / 1e6, true},
		{"gpt-5-nano", (1000*0.05 + 2*256*0.40) / 1e6, true}, // hidden reasoning counted once more
		{"text-embedding-3-small", 1000 * 0.02 / 1e6, true},
		{"text-embedding-004", 0, true}, // free, not unknown
		{"dall-e-3", 0.04, true},
	}
	for _, tt := range tests {
		got, known := EstimateCost(req, spec(t, tt.model), 0)
		if known != tt.known || math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("%s: %v %v, want %v %v", tt.model, got, known, tt.want, tt.known)
		}
	}
	if _, known := EstimateCost(req, Candidate{}.Spec, 0); known {
		t.Error("a spec without prices is unpriced")
	}
	// Output is the typical length, lowered by max_tokens and the model limit.
	s := spec(t, "claude-3-haiku") // 4096 output limit
	for _, tt := range []struct{ max, typical, want int }{
		{0, 0, 256}, {100, 0, 100}, {1000, 0, 256}, {0, 10_000, 4096}, {0, 500, 500},
	} {
		if got := expectedOutput(&Request{MaxTokens: tt.max}, &s, tt.typical); got != tt.want {
			t.Errorf("expectedOutput(max %d, typical %d) = %d, want %d", tt.max, tt.typical, got, tt.want)
		}
	}
}
