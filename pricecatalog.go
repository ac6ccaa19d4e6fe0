package aibackends

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/caddyserver/caddy/v2"
	"go.uber.org/zap"

	"github.com/sira-ai/caddy-ai-backends/catalog"
	"github.com/sira-ai/caddy-ai-backends/metrics"
)

// CatalogConfig loads model prices, limits and capabilities from a file or
// URL in the format of LiteLLM's model_prices_and_context_window.json.
// Precedence: model_override > this catalog > the built-in table.
type CatalogConfig struct {
	// File is a local catalog, re-read when its modification time or size
	// changes.
	File string `json:"file,omitempty"`
	// URL is fetched with conditional requests (ETag, Last-Modified).
	// Set File or URL, not both. Placeholders ({env.*}) are expanded.
	URL string `json:"url,omitempty"`
	// Refresh is how often the source is checked. Default: 30s for a
	// file, 1h for a URL.
	Refresh caddy.Duration `json:"refresh,omitempty"`
	// MaxSize refuses a larger document, in bytes. Default: 32 MiB.
	MaxSize int64 `json:"max_size,omitempty"`
	// Timeout of one request to URL, body included. Default: 10s.
	Timeout caddy.Duration `json:"timeout,omitempty"`
}

// catalogState pools a loader across config reloads: a reload with the
// same catalog settings keeps the loaded table, its validators and its
// polling goroutine; the last config using it stops it.
type catalogState struct{ loader *catalog.Loader }

func (s *catalogState) Destruct() error {
	s.loader.Close()
	return nil
}

// provisionCatalog takes the pooled loader of h.Catalog, creating it (and
// loading the source once, synchronously, so the first requests see its
// prices) when no running config has one. A source that cannot be loaded
// does not fail the config: the built-in table serves until it can.
func (h *Handler) provisionCatalog() error {
	if h.Catalog == nil {
		return nil
	}
	repl := caddy.NewReplacer()
	cfg := catalog.Config{
		File:    repl.ReplaceKnown(h.Catalog.File, ""),
		URL:     repl.ReplaceKnown(h.Catalog.URL, ""),
		Refresh: time.Duration(h.Catalog.Refresh),
		MaxSize: h.Catalog.MaxSize,
		Timeout: time.Duration(h.Catalog.Timeout),
		Logger:  h.logger.Named("catalog"),
	}
	key := fmt.Sprintf("catalog:%q|%q|%d|%d|%d", cfg.File, cfg.URL, cfg.Refresh, cfg.MaxSize, cfg.Timeout)
	v, err := h.pool.load(key, func() (caddy.Destructor, error) {
		l, err := catalog.NewLoader(cfg)
		if err != nil {
			return nil, err
		}
		_ = l.Reload(context.Background()) // bounded by the timeout; logged and in the status
		l.Start()
		return &catalogState{loader: l}, nil
	})
	if err != nil {
		return err
	}
	h.prices = v.(*catalogState).loader
	return nil
}

// catalogStatus is the catalog part of the status API.
func (mr *modelRoutes) catalogStatus() *catalog.Status {
	if mr.prices == nil {
		return nil
	}
	st := mr.prices.Status()
	return &st
}

// maxUnknownLogged bounds the set of model names warned about: names of
// unlisted models come from clients ("provider/<anything>").
const maxUnknownLogged = 1000

var (
	unknownLogged      sync.Map // deployment id → struct{}
	unknownLoggedCount atomic.Int64
)

func unknownModelLog() *zap.Logger { return caddy.Log().Named("http.handlers.ai_backends") }

// noteUnknownModel counts a request costed at 0 because no source prices
// its model, and warns once per model (on Caddy's logger: the record that
// prices a request has no handler). The metric has no model label, so
// client-chosen names cannot grow it.
func noteUnknownModel(d *deployment) {
	metrics.IncUnknownModel()
	if _, seen := unknownLogged.Load(d.id); seen {
		return
	}
	n := unknownLoggedCount.Add(1)
	switch {
	case n > maxUnknownLogged+1:
		return
	case n == maxUnknownLogged+1:
		unknownModelLog().Warn("more models without a price; not naming each (see ai_catalog_unknown_model_total)")
		return
	}
	if _, seen := unknownLogged.LoadOrStore(d.id, struct{}{}); !seen {
		unknownModelLog().Warn("model has no price in the catalog, the built-in table or a model_override; its cost is recorded as 0",
			zap.String("deployment", d.id), zap.String("upstream_model", d.upstream))
	}
}
