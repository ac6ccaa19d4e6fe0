package routing

import (
	"slices"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/catalog"
)

func TestCapable(t *testing.T) {
	full := catalog.Spec{Vision: true, Tools: true, JSONMode: true, Streaming: true, ContextWindow: 8192, MaxOutput: 4096}
	without := func(change func(*catalog.Spec)) catalog.Spec {
		s := full
		change(&s)
		return s
	}
	tests := []struct {
		name string
		req  Request
		spec catalog.Spec
		why  string
	}{
		{"plain", Request{PromptTokens: 100}, full, ""},
		{"vision", Request{NeedsVision: true}, without(func(s *catalog.Spec) { s.Vision = false }), "no vision"},
		{"tools", Request{NeedsTools: true}, without(func(s *catalog.Spec) { s.Tools = false }), "no tools"},
		{"json", Request{NeedsJSON: true}, without(func(s *catalog.Spec) { s.JSONMode = false }), "no JSON mode"},
		{"stream", Request{Stream: true}, without(func(s *catalog.Spec) { s.Streaming = false }), "no streaming"},
		{"prompt alone overflows", Request{PromptTokens: 9000}, full, "prompt + max_tokens exceed the context window"},
		{"prompt + max_tokens overflow", Request{PromptTokens: 6000, MaxTokens: 3000}, full, "prompt + max_tokens exceed the context window"},
		{"exactly fits", Request{PromptTokens: 4096, MaxTokens: 4096}, full, ""},
		{"max_tokens above output limit", Request{PromptTokens: 10, MaxTokens: 5000}, without(func(s *catalog.Spec) { s.ContextWindow = 100_000 }),
			"max_tokens above the model's output limit"},
		{"unknown limits are not checked", Request{PromptTokens: 1 << 30, MaxTokens: 1 << 20}, without(func(s *catalog.Spec) { s.ContextWindow, s.MaxOutput = 0, 0 }), ""},
		{"not needed, not required", Request{}, catalog.Spec{}, ""},
		{"embedding window limits each input, not the batch", Request{PromptTokens: 50_000}, catalog.Spec{Embeddings: true, ContextWindow: 8192}, ""},
		{"negative estimates are zero", Request{PromptTokens: -5, MaxTokens: -5}, full, ""},
	}
	for _, tt := range tests {
		ok, why := Capable(&tt.req, tt.spec)
		if ok != (tt.why == "") || why != tt.why {
			t.Errorf("%s: Capable = %v, %q; want %q", tt.name, ok, why, tt.why)
		}
	}
	if ok, _ := Capable(nil, catalog.Spec{}); !ok {
		t.Error("nil request must be servable")
	}
}

// TestCapabilityExclusionEverywhere runs the exclusion cases through every
// strategy that filters: the incapable deployment is left out, the reason
// is in the reasoning, and default keeps it.
func TestCapabilityExclusionEverywhere(t *testing.T) {
	mini := cand(t, "openai", "gpt-4o-mini") // vision, tools, JSON, 128K window, 16K output
	noTools := with(cand(t, "x", "gpt-4o-mini"), func(c *Candidate) { c.Spec.Tools = false })
	noJSON := with(cand(t, "x", "gpt-4o-mini"), func(c *Candidate) { c.Spec.JSONMode = false })
	noStream := with(cand(t, "x", "gpt-4o-mini"), func(c *Candidate) { c.Spec.Streaming = false })
	cases := []struct {
		name     string
		req      Request
		excluded Candidate
		reason   string
	}{
		{"vision", Request{NeedsVision: true}, cand(t, "openai", "o3-mini"), "no vision"},
		{"tools", Request{NeedsTools: true}, noTools, "no tools"},
		{"json", Request{NeedsJSON: true}, noJSON, "no JSON mode"},
		{"stream", Request{Stream: true}, noStream, "no streaming"},
		{"context window", Request{PromptTokens: 16_000, MaxTokens: 1000}, cand(t, "demo", "sim-small"),
			"~16000 prompt + 1000 max_tokens > window 16384"},
		{"output limit", Request{PromptTokens: 100, MaxTokens: 8000}, cand(t, "anthropic", "claude-3-haiku"),
			"max_tokens 8000 > limit 4096"},
	}
	for _, strategy := range Names() {
		s := mustNew(t, strategy, Options{Regions: []string{"us-east"}})
		for _, tc := range cases {
			cands := []Candidate{tc.excluded, mini}
			d := s.Route(&tc.req, cands)
			checkDecision(t, cands, d)
			got := ids(cands, d)
			if strategy == StrategyDefault {
				if len(got) != 2 {
					t.Errorf("default/%s: order %v, want both kept", tc.name, got)
				}
				continue
			}
			if !slices.Equal(got, []string{"openai/gpt-4o-mini"}) {
				t.Errorf("%s/%s: order %v, want only openai/gpt-4o-mini", strategy, tc.name, got)
			}
			if !reasoningHas(d, "capability: excluded "+tc.excluded.ID+" ("+tc.reason+")") {
				t.Errorf("%s/%s: reasoning %q lacks the exclusion", strategy, tc.name, d.Reasoning)
			}
		}
	}
}

func TestNothingCapable(t *testing.T) {
	cands := []Candidate{cand(t, "demo", "sim-small"), cand(t, "openai", "o3-mini")}
	for _, strategy := range Names() {
		if strategy == StrategyDefault {
			continue
		}
		d := mustNew(t, strategy, Options{}).Route(&Request{NeedsVision: true}, cands)
		checkDecision(t, cands, d)
		if len(d.Order) != 0 || d.Strategy != strategy || !reasoningHas(d, "no deployment can serve this request") ||
			!reasoningHas(d, "demo/sim-small (no vision)", "openai/o3-mini (no vision)") {
			t.Errorf("%s: %+v", strategy, d)
		}
	}
}

func TestNoCandidates(t *testing.T) {
	for _, strategy := range Names() {
		d := mustNew(t, strategy, Options{}).Route(&Request{}, nil)
		checkDecision(t, nil, d)
		if len(d.Order) != 0 || !reasoningHas(d, "no candidates") {
			t.Errorf("%s: %+v", strategy, d)
		}
		// A nil request is an empty one, not a panic.
		d = mustNew(t, strategy, Options{}).Route(nil, []Candidate{cand(t, "a", "gpt-4o")})
		if len(d.Order) != 1 {
			t.Errorf("%s with nil request: %+v", strategy, d)
		}
	}
}

func TestUnhealthyEverywhere(t *testing.T) {
	a := with(cand(t, "a", "gpt-4o-mini"), unhealthy)
	b := with(cand(t, "b", "gpt-4o-mini"), unhealthy)
	c := cand(t, "c", "gpt-4o")
	for _, strategy := range Names() {
		s := mustNew(t, strategy, Options{})
		cands := []Candidate{a, b, c}
		d := s.Route(&Request{PromptTokens: 100}, cands)
		checkDecision(t, cands, d)
		if d.Order[0] != 2 || len(d.Order) != 3 {
			t.Errorf("%s: order %v, want the healthy one first and the rest kept", strategy, ids(cands, d))
		}
		// All unhealthy: kept, and the confidence drops.
		cands = []Candidate{a, b}
		d = s.Route(&Request{PromptTokens: 100}, cands)
		checkDecision(t, cands, d)
		if len(d.Order) != 2 || d.Confidence > 0.5 || !reasoningHas(d, "health: all 2 deployments unhealthy") {
			t.Errorf("%s all unhealthy: %+v", strategy, d)
		}
	}
}
