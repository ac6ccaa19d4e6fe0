package routing

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/catalog"
)

// spec returns the built-in spec of a model, failing the test if unknown.
func spec(t testing.TB, model string) catalog.Spec {
	t.Helper()
	s, ok := catalog.Lookup(model)
	if !ok {
		t.Fatalf("catalog lacks %s", model)
	}
	return s
}

// cand builds a healthy candidate "provider/model" with the built-in spec.
func cand(t testing.TB, provider, model string) Candidate {
	return Candidate{
		ID: provider + "/" + model, Provider: provider, Model: model,
		Spec: spec(t, model), Healthy: true, Weight: 1,
	}
}

// with applies changes to a candidate, for compact fleet tables.
func with(c Candidate, change func(*Candidate)) Candidate {
	change(&c)
	return c
}

func unhealthy(c *Candidate) { c.Healthy = false }

func latency(d time.Duration) func(*Candidate) {
	return func(c *Candidate) { c.Latency = d }
}

func record(ok, total int) func(*Candidate) {
	return func(c *Candidate) {
		c.Samples = total
		if total > 0 {
			c.SuccessRate = float64(ok) / float64(total)
		}
	}
}

func region(r string) func(*Candidate) {
	return func(c *Candidate) { c.Region = r }
}

// ids returns the IDs of a decision's order.
func ids(cands []Candidate, d Decision) []string {
	out := make([]string, len(d.Order))
	for i, idx := range d.Order {
		out[i] = cands[idx].ID
	}
	return out
}

// mustNew returns a built-in strategy or fails.
func mustNew(t testing.TB, name string, opts Options) Strategy {
	t.Helper()
	s, err := New(name, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// checkDecision verifies the invariants every decision must hold.
func checkDecision(t testing.TB, cands []Candidate, d Decision) {
	t.Helper()
	seen := map[int]bool{}
	for _, idx := range d.Order {
		if idx < 0 || idx >= len(cands) || seen[idx] {
			t.Fatalf("bad order %v for %d candidates", d.Order, len(cands))
		}
		seen[idx] = true
	}
	if len(d.Order) == 0 {
		if d.Provider != "" || d.Confidence != 0 || len(d.Alternatives) != 0 {
			t.Fatalf("empty decision with provider %q confidence %v alternatives %v", d.Provider, d.Confidence, d.Alternatives)
		}
		return
	}
	if d.Provider != cands[d.Order[0]].Provider {
		t.Fatalf("provider %q, first choice %s", d.Provider, cands[d.Order[0]].ID)
	}
	if want := ids(cands, d)[1:]; !slices.Equal(d.Alternatives, want) {
		t.Fatalf("alternatives %v, want %v", d.Alternatives, want)
	}
	if d.Confidence < 0 || d.Confidence > 1 {
		t.Fatalf("confidence %v", d.Confidence)
	}
	// Unhealthy candidates come after every healthy one.
	sawUnhealthy := false
	for _, idx := range d.Order {
		if !cands[idx].Healthy {
			sawUnhealthy = true
		} else if sawUnhealthy {
			t.Fatalf("healthy %s after an unhealthy candidate in %v", cands[idx].ID, ids(cands, d))
		}
	}
	for _, line := range d.Reasoning {
		if line == "" || strings.Contains(line, "\n") {
			t.Fatalf("bad reasoning line %q", line)
		}
	}
}

// reasoningHas reports whether some reasoning line contains all parts.
func reasoningHas(d Decision, parts ...string) bool {
	for _, line := range d.Reasoning {
		all := true
		for _, p := range parts {
			if !strings.Contains(line, p) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}
