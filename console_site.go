package aibackends

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
	"github.com/caddyserver/caddy/v2/caddyconfig/httpcaddyfile"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
)

func init() {
	caddy.RegisterModule(Console{})
	httpcaddyfile.RegisterHandlerDirective("ai_backends_console", parseConsoleCaddyfile)
	// Before respond, so before ai_backends (which answers every path it
	// gets) and after basic_auth and forward_auth, which guard it.
	httpcaddyfile.RegisterDirectiveOrder("ai_backends_console", httpcaddyfile.Before, "respond")
}

// Console mounts the operator console and the ai_backends admin API it
// calls on a site, for operators who put Caddy's own authentication
// (basic_auth, forward_auth) in front of it. It answers every path under
// /ai_backends/ exactly as the admin endpoint does, CSRF check included,
// and passes every other request to the next handler. This handler is the
// only way the management API appears on a site: nothing mounts it by
// default.
type Console struct {
	mux *http.ServeMux
}

// CaddyModule returns the Caddy module information.
func (Console) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  "http.handlers.ai_backends_console",
		New: func() caddy.Module { return new(Console) },
	}
}

// Provision builds the routes from the admin module's, so the site and the
// admin endpoint can never differ.
func (c *Console) Provision(ctx caddy.Context) error {
	var a Admin
	if err := a.Provision(ctx); err != nil {
		return err
	}
	c.mux = http.NewServeMux()
	for _, route := range a.Routes() {
		c.mux.Handle(route.Pattern, adminOnSite{route.Handler})
	}
	// Any other path under /ai_backends/: the admin error shape, not the
	// mux's plain-text 404.
	c.mux.Handle("/ai_backends/", adminOnSite{caddy.AdminHandlerFunc(func(_ http.ResponseWriter, r *http.Request) error {
		return caddy.APIError{HTTPStatus: http.StatusNotFound, Err: fmt.Errorf("no ai_backends admin route %s", r.URL.Path)}
	})})
	return nil
}

// ServeHTTP serves /ai_backends/… and hands everything else on.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request, next caddyhttp.Handler) error {
	if !strings.HasPrefix(r.URL.Path, "/ai_backends/") {
		return next.ServeHTTP(w, r)
	}
	c.mux.ServeHTTP(w, r)
	return nil
}

// adminOnSite runs an admin handler on a site and writes its error the way
// Caddy's admin endpoint does: {"error": "..."} with the error's status.
type adminOnSite struct{ h caddy.AdminHandler }

func (a adminOnSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	err := a.h.ServeHTTP(w, r)
	if err == nil {
		return
	}
	var apiErr caddy.APIError
	if !errors.As(err, &apiErr) {
		apiErr = caddy.APIError{HTTPStatus: http.StatusInternalServerError, Err: err}
	}
	if apiErr.HTTPStatus == 0 {
		apiErr.HTTPStatus = http.StatusInternalServerError
	}
	if apiErr.Message == "" && apiErr.Err != nil {
		apiErr.Message = apiErr.Err.Error()
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(apiErr.HTTPStatus)
	_ = json.NewEncoder(w).Encode(apiErr)
}

// UnmarshalCaddyfile parses `ai_backends_console`, which takes no
// arguments and no block.
func (c *Console) UnmarshalCaddyfile(d *caddyfile.Dispenser) error {
	d.Next() // the directive's name
	if d.NextArg() {
		return d.ArgErr()
	}
	if d.NextBlock(0) {
		return d.Err("ai_backends_console takes no block")
	}
	return nil
}

func parseConsoleCaddyfile(h httpcaddyfile.Helper) (caddyhttp.MiddlewareHandler, error) {
	c := new(Console)
	err := c.UnmarshalCaddyfile(h.Dispenser)
	return c, err
}

// Interface guards
var (
	_ caddy.Provisioner           = (*Console)(nil)
	_ caddyhttp.MiddlewareHandler = (*Console)(nil)
	_ caddyfile.Unmarshaler       = (*Console)(nil)
)
