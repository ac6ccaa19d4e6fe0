package aibackends

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sira-ai/caddy-ai-backends/breaker"
	"github.com/sira-ai/caddy-ai-backends/internal/testclock"
	"github.com/sira-ai/caddy-ai-backends/metrics"
)

// failBad answers 500 to models named bad* and 200 to the others.
func failBad(_, model string) int {
	if strings.HasPrefix(model, "bad") {
		return http.StatusInternalServerError
	}
	return http.StatusOK
}

func TestUnlistedModelsHaveTheirOwnBreakers(t *testing.T) {
	reg := prometheus.NewRegistry()
	if err := metrics.Register(reg); err != nil {
		t.Fatal(err)
	}
	up := newScriptedUpstream(t, failBad)
	h := provisionTestHandler(t, keysConfig(up.URL, keyJSON("unlisted-key")), testclock.New())

	// Five failures on five different unlisted models block none of the others.
	for i := 1; i <= 5; i++ {
		if r := h.testChat(t, fmt.Sprintf("p/bad-%d", i)); r.status != http.StatusBadGateway {
			t.Fatalf("p/bad-%d: %d %s, want the upstream's failure", i, r.status, r.body)
		}
	}
	if r := h.testChat(t, "p/good"); r.status != http.StatusOK {
		t.Fatalf("a sixth unlisted model after five others failed: %d %s", r.status, r.body)
	}

	// Five failures of one unlisted model open its breaker, and only its.
	for i := 0; i < 4; i++ {
		h.testChat(t, "p/bad-1")
	}
	if r := h.testChat(t, "p/bad-1"); r.status != http.StatusServiceUnavailable || !strings.Contains(r.body, "circuit_open") {
		t.Fatalf("p/bad-1 after 5 failures: %d %s, want its circuit open", r.status, r.body)
	}
	if n := up.count("", "bad-1"); n != 5 {
		t.Fatalf("p/bad-1 reached the upstream %d times, want 5", n)
	}
	if r := h.testChat(t, "p/bad-2"); r.status != http.StatusBadGateway {
		t.Fatalf("p/bad-2 was blocked by p/bad-1's breaker: %d %s", r.status, r.body)
	}
	if r := h.testChat(t, "m"); r.status != http.StatusOK {
		t.Fatalf("the listed model: %d %s", r.status, r.body)
	}

	// The status API lists each unlisted model with its breaker.
	var unlisted []deploymentStatus
	for _, p := range h.status().Providers {
		if p.Name == "p" {
			unlisted = p.UnlistedModels
		}
	}
	states := map[string]breaker.State{}
	for _, d := range unlisted {
		states[d.ID] = d.Breaker.State
	}
	if len(unlisted) != 6 || states["p/bad-1"] != breaker.Open || states["p/bad-2"] != breaker.Closed || states["p/good"] != breaker.Closed {
		t.Fatalf("status API unlisted models: %+v", states)
	}
	if unlisted[0].ID != "p/bad-2" || unlisted[0].Model != "bad-2" || unlisted[0].Stats.Failures != 2 {
		t.Fatalf("most recent unlisted model first, with its statistics: %+v", unlisted[0])
	}

	// Their metric label is one bounded value per provider.
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	sawWildcard := false
	for _, f := range families {
		if f.GetName() != "ai_circuit_breaker_state" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() != "deployment" {
					continue
				}
				if strings.Contains(l.GetValue(), "bad-") || strings.Contains(l.GetValue(), "good") {
					t.Fatalf("an unlisted model name became a metric label: %s", l.GetValue())
				}
				sawWildcard = sawWildcard || l.GetValue() == "p/*"
			}
		}
	}
	if !sawWildcard {
		t.Fatal("no p/* breaker series for the unlisted models")
	}
}

func TestUnlistedModelStatesAreBounded(t *testing.T) {
	u := newUnlistedModels("p", 3)
	a, b := u.get("a"), u.get("b")
	u.get("c")
	if u.get("a") != a {
		t.Fatal("a kept model lost its state")
	}
	u.get("d") // evicts b, the least recently used
	if u.len() != 3 {
		t.Fatalf("%d models kept, want 3", u.len())
	}
	if u.find("p/b") != nil || u.find("p/a") != a {
		t.Fatal("the least recently used model should be the one evicted")
	}
	if u.get("b") == b {
		t.Fatal("an evicted model should start fresh")
	}

	up := newScriptedUpstream(t, always(http.StatusOK))
	h := provisionTestHandler(t, keysConfig(up.URL, keyJSON("bounded-key")), nil)
	for i := 0; i < unlistedCapacity+44; i++ {
		if r := h.testChat(t, fmt.Sprintf("p/random-%d", i)); r.status != http.StatusOK {
			t.Fatalf("request %d: %d %s", i, r.status, r.body)
		}
	}
	if n := h.catalog.byProvider["p"].unlisted.len(); n != unlistedCapacity {
		t.Fatalf("%d unlisted models kept, want the bound %d", n, unlistedCapacity)
	}
}
