package aibackends

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"
	"go.uber.org/goleak"

	"github.com/sira-ai/caddy-ai-backends/catalog"
)

func TestUnmarshalCaddyfileCatalog(t *testing.T) {
	h := caddyfileHandler(t, `ai_backends {
		catalog {
			url https://prices.example/model_prices.json
			refresh 15m
			max_size 8MiB
			timeout 5s
		}
	}`)
	c := h.Catalog
	if c == nil || c.URL != "https://prices.example/model_prices.json" || c.File != "" ||
		time.Duration(c.Refresh) != 15*time.Minute || c.MaxSize != 8<<20 || time.Duration(c.Timeout) != 5*time.Second {
		t.Fatalf("parsed %+v", c)
	}
	if short := caddyfileHandler(t, "ai_backends {\ncatalog /etc/caddy/prices.json\n}"); short.Catalog.File != "/etc/caddy/prices.json" {
		t.Fatalf("shorthand: %+v", short.Catalog)
	}
	caddyfileRejects(t, map[string]string{
		"neither":    `ai_backends { catalog { refresh 1m } }`,
		"both":       `ai_backends { catalog a.json { url https://x/y } }`,
		"twice":      "ai_backends {\ncatalog a.json\ncatalog b.json\n}",
		"bad option": `ai_backends { catalog a.json { colour red } }`,
		"bad size":   `ai_backends { catalog a.json { max_size lots } }`,
		"bad time":   `ai_backends { catalog a.json { refresh soon } }`,
		"two args":   `ai_backends { catalog a.json b.json }`,
	})
}

// provisionWithCatalog provisions a sim handler whose catalog file prices
// sim-small and a model only the catalog knows.
func provisionWithCatalog(t *testing.T, path string) (*Handler, context.CancelFunc) {
	t.Helper()
	cfg := fmt.Sprintf(`{"providers":[{"type":"sim","name":"sim","models":["sim-small","sim-large","catalog-only","nowhere"],
		"model_overrides":{"sim-large":{"input":42}}}],
		"catalog":{"file":%q,"refresh":"1h"}}`, path)
	var h Handler
	if err := json.Unmarshal([]byte(cfg), &h); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := caddy.NewContext(caddy.ActiveContext())
	if err := h.Provision(ctx); err != nil {
		cancel()
		t.Fatal(err)
	}
	return &h, cancel
}

// Deployments take model_override > loaded catalog > built-in table, and
// the pooled loader survives a config reload and stops with the last
// config that used it.
func TestDeploymentsPriceFromPooledCatalog(t *testing.T) {
	quietCaddy(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	path := filepath.Join(t.TempDir(), "prices.json")
	doc := `{"sim-small": {"mode": "chat", "input_cost_per_token": 9e-06, "output_cost_per_token": 1e-05},
		"sim-large": {"mode": "chat", "input_cost_per_token": 9e-06},
		"catalog-only": {"mode": "chat", "input_cost_per_token": 3e-06}}`
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	h1, stop1 := provisionWithCatalog(t, path)
	spec := func(h *Handler, model string) catalog.Spec { return h.catalog.byID["sim/"+model].spec() }
	if got := spec(h1, "sim-small").Prices.Input; got != 9 {
		t.Errorf("sim-small: input %v, want the catalog's 9 over the built-in 0.20", got)
	}
	if got := spec(h1, "sim-large").Prices.Input; got != 42 {
		t.Errorf("sim-large: input %v, want the override's 42", got)
	}
	if got := spec(h1, "catalog-only").Prices.Input; got != 3 {
		t.Errorf("catalog-only: input %v, want 3", got)
	}
	if d := h1.catalog.byID["sim/nowhere"]; d.entry.Known() || d.spec().Prices != (catalog.Prices{}) || !d.spec().Tools {
		t.Errorf("nowhere: %+v known=%v, want an unpriced capable spec", d.spec(), d.entry.Known())
	}
	if d := h1.catalog.resolve("sim/catalog-only-2025-01-01"); len(d) != 1 || d[0].spec().Prices.Input != 3 {
		t.Errorf("provider/<unlisted model> resolves through the catalog too")
	}
	if st := h1.status(); st.Catalog == nil || st.Catalog.Entries != 3 || st.Catalog.Source != path {
		t.Errorf("status: %+v", st.Catalog)
	}

	// A reload: the new config gets the same loader, which keeps running
	// when the old config is cleaned up.
	h2, stop2 := provisionWithCatalog(t, path)
	if h2.prices != h1.prices {
		t.Fatal("a reload with the same catalog settings started a second loader")
	}
	_ = h1.Cleanup()
	stop1()
	if len(catalog.Live()) != 1 {
		t.Fatal("the loader stopped while a config still uses it")
	}
	if len(runningCatalogs()) != 1 {
		t.Fatal("the admin endpoint does not see the pooled loader")
	}
	_ = h2.Cleanup()
	stop2()
	if len(catalog.Live()) != 0 || len(runningCatalogs()) != 0 {
		t.Fatal("the loader outlived the last config")
	}
}
