package integration

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
)

// catalogDoc prices one model in LiteLLM's format (USD per token).
func catalogDoc(model string, inputPerM, outputPerM float64) string {
	return fmt.Sprintf(`{"sample_spec": {"max_tokens": "legacy"},
	  %q: {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": %g, "output_cost_per_token": %g}}`,
		model, inputPerM/1e6, outputPerM/1e6)
}

// chatUsage is the usage of a chat completion.
type chatUsage struct {
	Prompt     int `json:"prompt_tokens"`
	Completion int `json:"completion_tokens"`
	Details    struct {
		Cached int `json:"cached_tokens"`
	} `json:"prompt_tokens_details"`
}

// pricedChat sends one chat message to model and returns the answer's
// usage and its X-AI-Cost-USD header.
func pricedChat(t *testing.T, g *gateway, model, message string) (chatUsage, float64) {
	t.Helper()
	resp, body := g.post("/v1/chat/completions", `{"model":"`+model+`","messages":[{"role":"user","content":"`+message+`"}]}`)
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	var answer struct {
		Usage chatUsage `json:"usage"`
	}
	mustJSON(t, body, &answer)
	cost, _ := strconv.ParseFloat(resp.Header.Get("X-AI-Cost-USD"), 64)
	return answer.Usage, cost
}

// costOf returns the X-AI-Cost-USD of a chat answer and the cost its usage
// has at the given prices.
func costOf(t *testing.T, g *gateway, model string, inputPerM, outputPerM float64) (got, want float64) {
	t.Helper()
	u, got := pricedChat(t, g, model, "price me")
	return got, (float64(u.Prompt)*inputPerM + float64(u.Completion)*outputPerM) / 1e6
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// TestCatalogFilePricesReloadWithoutConfigReload: a model the built-in
// table does not know is priced from the catalog file; a changed file is
// applied by POST /ai_backends/catalog/reload to the running config; a
// malformed file keeps the last good prices and shows in the status API
// and the metrics; a model no source knows is costed at 0, counted and
// logged once.
func TestCatalogFilePricesReloadWithoutConfigReload(t *testing.T) {
	fake, _ := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{Reply: "one two three"})
	path := filepath.Join(t.TempDir(), "prices.json")
	if err := os.WriteFile(path, []byte(catalogDoc("gpt-future", 1, 2)), 0o644); err != nil {
		t.Fatal(err)
	}
	g := startGateway(t, fmt.Sprintf(`	ai_backends {
		provider up openai_compatible {
			base_url %s/v1
			models gpt-future mystery-model
		}
		catalog {
			file %s
			refresh 1h
		}
	}`, fake.URL, path))

	if got, want := costOf(t, g, "gpt-future", 1, 2); want == 0 || !near(got, want) {
		t.Fatalf("cost from the catalog file: %v, want %v", got, want)
	}

	// New prices: applied by the admin endpoint, without a config reload.
	if err := os.WriteFile(path, []byte(catalogDoc("gpt-future", 10, 20)), 0o644); err != nil {
		t.Fatal(err)
	}
	resp, body := g.post2999("/ai_backends/catalog/reload")
	if resp.StatusCode != 200 || !strings.Contains(body, `"entries":1`) {
		t.Fatalf("reload: %d %s", resp.StatusCode, body)
	}
	if got, want := costOf(t, g, "gpt-future", 10, 20); !near(got, want) {
		t.Fatalf("cost after the catalog reload: %v, want %v", got, want)
	}

	// A malformed file: 502 from the endpoint, the last prices stay.
	_, metricsBefore := g.get2999("/metrics")
	if err := os.WriteFile(path, []byte(`{"gpt-future": {`), 0o644); err != nil {
		t.Fatal(err)
	}
	resp, body = g.post2999("/ai_backends/catalog/reload")
	if resp.StatusCode != 502 || !strings.Contains(body, "invalid JSON") {
		t.Fatalf("reload of a malformed file: %d %s", resp.StatusCode, body)
	}
	if got, want := costOf(t, g, "gpt-future", 10, 20); !near(got, want) {
		t.Fatalf("cost after a failed reload: %v, want the last good %v", got, want)
	}
	_, status := g.get2999("/ai_backends/status")
	var st struct {
		Handlers []struct {
			Catalog struct {
				Source, Version string
				LastError       string `json:"last_error"`
				Entries         int
				LoadErrors      int `json:"load_errors"`
			} `json:"catalog"`
		} `json:"handlers"`
	}
	mustJSON(t, []byte(status), &st)
	if len(st.Handlers) != 1 {
		t.Fatalf("status: %s", status)
	}
	c := st.Handlers[0].Catalog
	if c.Source != path || c.Entries != 1 || c.Version == "" || c.LoadErrors != 1 || !strings.Contains(c.LastError, "invalid JSON") {
		t.Fatalf("catalog status: %+v", c)
	}

	// A model no source prices: cost 0, counted, warned about once.
	for range 2 {
		resp, body := g.post("/v1/chat/completions", `{"model":"mystery-model","messages":[{"role":"user","content":"hi"}]}`)
		if resp.StatusCode != 200 || resp.Header.Get("X-AI-Cost-USD") != "0.00000000" {
			t.Fatalf("unknown model: %d cost %q %s", resp.StatusCode, resp.Header.Get("X-AI-Cost-USD"), body)
		}
	}
	_, metricsAfter := g.get2999("/metrics")
	if d := metricValue(t, metricsAfter, "ai_catalog_unknown_model_total") - metricValue(t, metricsBefore, "ai_catalog_unknown_model_total"); d != 2 {
		t.Fatalf("ai_catalog_unknown_model_total rose by %v, want 2", d)
	}
	if d := metricValue(t, metricsAfter, "ai_catalog_load_errors_total") - metricValue(t, metricsBefore, "ai_catalog_load_errors_total"); d != 1 {
		t.Fatalf("ai_catalog_load_errors_total rose by %v, want 1", d)
	}
	if v := metricValue(t, metricsAfter, "ai_catalog_entries", "source", path); v != 1 {
		t.Fatalf("ai_catalog_entries{source=file} = %v", v)
	}
	if v := metricValue(t, metricsAfter, "ai_catalog_entries", "source", "builtin"); v == 0 {
		t.Fatal("ai_catalog_entries{source=builtin} missing")
	}
	if n := strings.Count(g.logText(), "model has no price"); n != 1 {
		t.Fatalf("the unknown model was warned about %d times, want once", n)
	}
}

// Without a catalog the reload endpoint says so, and a GET is refused.
func TestCatalogReloadEndpointWithoutCatalog(t *testing.T) {
	fake, _ := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{})
	g := startGateway(t, fmt.Sprintf(`	ai_backends {
		provider up openai_compatible {
			base_url %s/v1
			models m
		}
	}`, fake.URL))
	if resp, body := g.post2999("/ai_backends/catalog/reload"); resp.StatusCode != 404 || !strings.Contains(body, "no ai_backends catalog") {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	if resp, _ := g.get2999("/ai_backends/catalog/reload"); resp.StatusCode != 405 {
		t.Fatalf("GET: %d", resp.StatusCode)
	}
}
