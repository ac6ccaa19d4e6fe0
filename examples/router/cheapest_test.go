package router

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/sira-ai/caddy-ai-backends/catalog"
	"github.com/sira-ai/caddy-ai-backends/routing"
)

func TestModuleRegistered(t *testing.T) {
	info, err := caddy.GetModule("http.ai_backends.routers.cheapest_healthy_first")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := info.New().(routing.RouterModule); !ok {
		t.Fatalf("%T is not a routing.RouterModule", info.New())
	}
	if got := info.ID.Name(); got != "cheapest_healthy_first" {
		t.Errorf("module name %q", got)
	}
}

func TestUnmarshalCaddyfile(t *testing.T) {
	tests := []struct {
		input   string
		want    CheapestHealthyFirst
		wantErr string
	}{
		{input: `cheapest_healthy_first`, want: CheapestHealthyFirst{}},
		{input: `cheapest_healthy_first {
			max_cost 0.01
			expected_output_tokens 512
		}`, want: CheapestHealthyFirst{MaxCost: 0.01, ExpectedOutputTokens: 512}},
		{input: `cheapest_healthy_first extra`, wantErr: "wrong argument count"},
		{input: "cheapest_healthy_first {\n max_cost\n}", wantErr: "wrong argument count"},
		{input: "cheapest_healthy_first {\n max_cost 1 2\n}", wantErr: "wrong argument count"},
		{input: "cheapest_healthy_first {\n max_cost -1\n}", wantErr: "non-negative"},
		{input: "cheapest_healthy_first {\n max_cost NaN\n}", wantErr: "non-negative"},
		{input: "cheapest_healthy_first {\n expected_output_tokens many\n}", wantErr: "non-negative integer"},
		{input: "cheapest_healthy_first {\n max_cost 1\n max_cost 2\n}", wantErr: "duplicate"},
		{input: "cheapest_healthy_first {\n fastest yes\n}", wantErr: "unrecognized subdirective"},
	}
	for _, tt := range tests {
		var got CheapestHealthyFirst
		err := got.UnmarshalCaddyfile(caddyfile.NewTestDispenser(tt.input))
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%q: error %v, want %q", tt.input, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%q: %+v, %v; want %+v", tt.input, got, err, tt.want)
		}
	}
}

func TestValidateAndJSON(t *testing.T) {
	var s CheapestHealthyFirst
	if err := json.Unmarshal([]byte(`{"max_cost":0.02,"expected_output_tokens":100}`), &s); err != nil {
		t.Fatal(err)
	}
	if s.MaxCost != 0.02 || s.ExpectedOutputTokens != 100 || s.Validate() != nil {
		t.Errorf("%+v", s)
	}
	for _, bad := range []CheapestHealthyFirst{{MaxCost: -1}, {ExpectedOutputTokens: -5}} {
		if bad.Validate() == nil {
			t.Errorf("Validate accepted %+v", bad)
		}
	}
}

func cand(t *testing.T, provider, model string, healthy bool) routing.Candidate {
	t.Helper()
	spec, ok := catalog.Lookup(model)
	if !ok {
		t.Fatalf("unknown model %s", model)
	}
	return routing.Candidate{ID: provider + "/" + model, Provider: provider, Model: model, Spec: spec, Healthy: healthy}
}

func order(cands []routing.Candidate, d routing.Decision) []string {
	var out []string
	for _, i := range d.Order {
		out = append(out, cands[i].ID)
	}
	return out
}

func TestRoute(t *testing.T) {
	big := cand(t, "openai", "gpt-4o", true)       // ≈ $0.00506 for the request below
	mini := cand(t, "openai", "gpt-4o-mini", true) // ≈ $0.00030
	haiku := cand(t, "anthropic", "claude-3-5-haiku", true)
	small := cand(t, "demo", "sim-small", true) // no vision
	unpriced := routing.Candidate{ID: "local/llama", Provider: "local", Healthy: true,
		Spec: catalog.Spec{Vision: true, Tools: true, JSONMode: true, Streaming: true}}
	down := func(c routing.Candidate) routing.Candidate { c.Healthy = false; return c }
	req := routing.Request{PromptTokens: 1000}

	tests := []struct {
		name  string
		s     CheapestHealthyFirst
		req   routing.Request
		cands []routing.Candidate
		want  []string
		conf  float64
	}{
		{"cheapest first, unpriced last", CheapestHealthyFirst{}, req,
			[]routing.Candidate{unpriced, big, haiku, mini},
			[]string{"openai/gpt-4o-mini", "anthropic/claude-3-5-haiku", "openai/gpt-4o", "local/llama"}, 0.9},
		{"unhealthy dropped while a healthy one is left", CheapestHealthyFirst{}, req,
			[]routing.Candidate{down(mini), big}, []string{"openai/gpt-4o"}, 0.9},
		{"all unhealthy: tried cheapest first", CheapestHealthyFirst{}, req,
			[]routing.Candidate{down(big), down(mini)}, []string{"openai/gpt-4o-mini", "openai/gpt-4o"}, 0.3},
		{"budget excludes the dear one", CheapestHealthyFirst{MaxCost: 0.001}, req,
			[]routing.Candidate{big, mini}, []string{"openai/gpt-4o-mini"}, 0.9},
		{"budget: fail rather than overspend", CheapestHealthyFirst{MaxCost: 0.001}, req,
			[]routing.Candidate{big, down(mini)}, []string{"openai/gpt-4o-mini"}, 0.3},
		{"capability filter", CheapestHealthyFirst{}, routing.Request{PromptTokens: 10, NeedsVision: true},
			[]routing.Candidate{small, big}, []string{"openai/gpt-4o"}, 0.9},
		{"nothing left", CheapestHealthyFirst{MaxCost: 0.000001}, req,
			[]routing.Candidate{big}, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.s.Route(&tt.req, tt.cands)
			if got := order(tt.cands, d); !slices.Equal(got, tt.want) {
				t.Errorf("order %v, want %v (reasoning %q)", got, tt.want, d.Reasoning)
			}
			if d.Confidence != tt.conf || d.Strategy != "cheapest_healthy_first" {
				t.Errorf("confidence %v strategy %q", d.Confidence, d.Strategy)
			}
			if len(d.Order) > 0 && d.Provider != tt.cands[d.Order[0]].Provider {
				t.Errorf("provider %q", d.Provider)
			}
			if len(d.Reasoning) == 0 {
				t.Error("no reasoning")
			}
		})
	}
	// A nil request is an empty one.
	if d := (&CheapestHealthyFirst{}).Route(nil, []routing.Candidate{mini}); len(d.Order) != 1 {
		t.Errorf("nil request: %+v", d)
	}
}
