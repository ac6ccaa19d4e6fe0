package aibackends

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/caddyserver/caddy/v2"

	"github.com/sira-ai/caddy-ai-backends/catalog"
)

func init() {
	caddy.RegisterModule(CatalogAdmin{})
}

// CatalogAdmin serves POST /ai_backends/catalog/reload on Caddy's admin
// endpoint: every running price catalog loads its source again at once,
// without a config reload.
type CatalogAdmin struct{}

// CaddyModule returns the Caddy module information.
func (CatalogAdmin) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  "admin.api.ai_backends_catalog",
		New: func() caddy.Module { return new(CatalogAdmin) },
	}
}

// Routes returns the admin routes.
func (a CatalogAdmin) Routes() []caddy.AdminRoute {
	return []caddy.AdminRoute{
		{Pattern: "/ai_backends/catalog/reload", Handler: caddy.AdminHandlerFunc(a.reload)},
	}
}

// reload answers 200 with every catalog's status when all loaded, and 502
// naming the failures when any did not (those keep their last good table).
func (a CatalogAdmin) reload(w http.ResponseWriter, r *http.Request) error {
	if r.Method != http.MethodPost {
		return caddy.APIError{HTTPStatus: http.StatusMethodNotAllowed, Err: fmt.Errorf("method not allowed")}
	}
	loaders := runningCatalogs()
	if len(loaders) == 0 {
		return caddy.APIError{HTTPStatus: http.StatusNotFound, Err: fmt.Errorf("no ai_backends catalog is configured")}
	}
	out := struct {
		Catalogs []catalog.Status `json:"catalogs"`
	}{Catalogs: []catalog.Status{}}
	var failed []string
	for _, l := range loaders {
		if err := l.Reload(context.WithoutCancel(r.Context())); err != nil {
			failed = append(failed, l.Source()+": "+err.Error())
		}
		out.Catalogs = append(out.Catalogs, l.Status())
	}
	if len(failed) > 0 {
		return caddy.APIError{HTTPStatus: http.StatusBadGateway,
			Err: fmt.Errorf("catalog reload failed, the last good table stays in use: %s", strings.Join(failed, "; "))}
	}
	w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(w).Encode(out)
}

// runningCatalogs are the pooled loaders of the running configs.
func runningCatalogs() []*catalog.Loader {
	var out []*catalog.Loader
	states.Range(func(_, value any) bool {
		if cs, ok := value.(*catalogState); ok {
			out = append(out, cs.loader)
		}
		return true
	})
	return out
}

// Interface guards
var _ caddy.AdminRouter = (*CatalogAdmin)(nil)
