package aibackends

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/caddyserver/caddy/v2"

	"github.com/sira-ai/caddy-ai-backends/breaker"
	"github.com/sira-ai/caddy-ai-backends/catalog"
)

func init() {
	caddy.RegisterModule(Admin{})
}

// Admin serves the gateway's live status on Caddy's admin endpoint:
// GET /ai_backends/status, POST /ai_backends/breakers/<deployment>/reset
// and POST /ai_backends/keys/<fingerprint>/enable, and the operator console
// (console_*.go) at /ai_backends/ui/ with the routes it reads.
// It reads the pooled state, so it sees every running ai_backends handler.
// It also serves the managed keys and teams (/ai_backends/client_keys and
// /ai_backends/teams, see governance.ServeAdmin) on Caddy's storage.
type Admin struct {
	managed *adminGovernance // nil when not provisioned
}

// CaddyModule returns the Caddy module information.
func (Admin) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  "admin.api.ai_backends",
		New: func() caddy.Module { return new(Admin) },
	}
}

// Routes returns the admin routes. Every one is wrapped in csrfGuard, so
// no state-changing route can be added without the console's CSRF check.
func (a Admin) Routes() []caddy.AdminRoute {
	routes := []caddy.AdminRoute{
		{Pattern: "/ai_backends/status", Handler: caddy.AdminHandlerFunc(a.status)},
		{Pattern: "/ai_backends/breakers/", Handler: caddy.AdminHandlerFunc(a.resetBreaker)},
		{Pattern: "/ai_backends/keys/", Handler: caddy.AdminHandlerFunc(a.enableKey)},
		{Pattern: "/ai_backends/overview", Handler: caddy.AdminHandlerFunc(a.overview)},
		{Pattern: "/ai_backends/requests", Handler: caddy.AdminHandlerFunc(a.requests)},
		{Pattern: "/ai_backends/config", Handler: caddy.AdminHandlerFunc(a.config)},
		{Pattern: uiPrefix, Handler: caddy.AdminHandlerFunc(a.serveUI)},
		{Pattern: "/ai_backends/client_keys", Handler: caddy.AdminHandlerFunc(a.serveManaged)},
		{Pattern: "/ai_backends/client_keys/", Handler: caddy.AdminHandlerFunc(a.serveManaged)},
		{Pattern: "/ai_backends/teams", Handler: caddy.AdminHandlerFunc(a.serveManaged)},
		{Pattern: "/ai_backends/teams/", Handler: caddy.AdminHandlerFunc(a.serveManaged)},
	}
	for i := range routes {
		routes[i].Handler = csrfGuard(routes[i].Handler)
	}
	return routes
}

// handlerState registers a running handler in the pool so the admin
// module can describe it; key "handler:<address>" is unique per instance.
type handlerState struct{ h *Handler }

func (*handlerState) Destruct() error { return nil }

func (h *Handler) registerForAdmin() error {
	_, err := h.pool.load(fmt.Sprintf("handler:%p", h), func() (caddy.Destructor, error) {
		return &handlerState{h: h}, nil
	})
	return err
}

// serveHandlers answers GET with view of every running handler, oldest
// first: {"handlers": [...]}.
func serveHandlers[T any](w http.ResponseWriter, r *http.Request, view func(*Handler) T) error {
	if err := onlyMethod(r, http.MethodGet); err != nil {
		return err
	}
	var hs []*Handler
	states.Range(func(_, value any) bool {
		if s, ok := value.(*handlerState); ok {
			hs = append(hs, s.h)
		}
		return true
	})
	sort.Slice(hs, func(i, j int) bool { return hs[i].started.Before(hs[j].started) })
	out := struct {
		Handlers []T `json:"handlers"`
	}{Handlers: make([]T, 0, len(hs))}
	for _, h := range hs {
		out.Handlers = append(out.Handlers, view(h))
	}
	return writeAdminJSON(w, out)
}

// onlyMethod refuses a request to an admin route of another method.
func onlyMethod(r *http.Request, method string) error {
	if r.Method != method {
		return caddy.APIError{HTTPStatus: http.StatusMethodNotAllowed, Err: fmt.Errorf("method not allowed: use %s", method)}
	}
	return nil
}

// writeAdminJSON answers an admin route with v; the answers are live
// state, never to be cached.
func writeAdminJSON(w http.ResponseWriter, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(w).Encode(v)
}

func (a Admin) status(w http.ResponseWriter, r *http.Request) error {
	return serveHandlers(w, r, (*Handler).status)
}

func (a Admin) resetBreaker(w http.ResponseWriter, r *http.Request) error {
	if err := onlyMethod(r, http.MethodPost); err != nil {
		return err
	}
	rest := strings.TrimPrefix(r.URL.Path, "/ai_backends/breakers/")
	id, ok := strings.CutSuffix(rest, "/reset")
	if !ok || id == "" {
		return caddy.APIError{HTTPStatus: http.StatusNotFound, Err: fmt.Errorf("use POST /ai_backends/breakers/<provider>/<model>/reset")}
	}
	found := 0
	reset := func(ds *deploymentState) {
		ds.brk.Reset()
		ds.unhealthy.Store(false)
		found++
	}
	states.Range(func(_, value any) bool {
		switch v := value.(type) {
		case *deploymentState:
			if v.id == id {
				reset(v)
			}
		case *unlistedModels:
			if ds := v.find(id); ds != nil {
				reset(ds)
			}
		}
		return true
	})
	if found == 0 {
		return caddy.APIError{HTTPStatus: http.StatusNotFound, Err: fmt.Errorf("no deployment %q", id)}
	}
	return writeAdminJSON(w, map[string]any{"reset": id, "breaker": "closed"})
}

type handlerStatus struct {
	Started     time.Time           `json:"started"`
	Routing     routingStatus       `json:"routing"`
	Balancing   string              `json:"load_balancing"`
	Providers   []providerStatus    `json:"providers"`
	Deployments []deploymentStatus  `json:"deployments"`
	Aliases     map[string][]string `json:"aliases,omitempty"`
	ClientKeys  int                 `json:"client_keys"`
	Cache       any                 `json:"cache,omitempty"`
	SharedState any                 `json:"shared_state,omitempty"`
	Catalog     *catalog.Status     `json:"catalog,omitempty"`
	MCP         *mcpStatusView      `json:"mcp,omitempty"`
}

type routingStatus struct {
	Strategy      string   `json:"strategy"`
	Fallback      []string `json:"fallback,omitempty"`
	DecisionCache bool     `json:"decision_cache"`
}

type providerStatus struct {
	Name    string      `json:"name"`
	Type    string      `json:"type"`
	BaseURL string      `json:"base_url,omitempty"`
	Region  string      `json:"region,omitempty"`
	Models  []string    `json:"models"`
	Keys    []keyStatus `json:"keys"`
	// UnlistedModels are the "provider/<model>" addresses of models the
	// config does not list, each with its own breaker, most recent first
	// (at most unlistedCapacity; older ones start fresh).
	UnlistedModels []deploymentStatus `json:"unlisted_models"`
}

type keyStatus struct {
	Fingerprint string `json:"fingerprint"`
	// State is active, resting (after a 401, until next_probe), probing
	// (its rest is over: the next request tries it), expired or cooling_down.
	State string `json:"state"`
	// NextProbe is when a resting key is tried again.
	NextProbe *time.Time `json:"next_probe,omitempty"`
	// BackoffLevel counts the rests in a row: the rest is 1m << (level-1), at most 1h.
	BackoffLevel int        `json:"backoff_level,omitempty"`
	NotAfter     *time.Time `json:"not_after,omitempty"`
	Requests     int64      `json:"requests"`
	Errors       int64      `json:"errors"`
	LastUse      *time.Time `json:"last_use,omitempty"`
}

type deploymentStatus struct {
	ID            string           `json:"id"`
	Provider      string           `json:"provider"`
	Model         string           `json:"model"`
	UpstreamModel string           `json:"upstream_model"`
	Region        string           `json:"region,omitempty"`
	Weight        int              `json:"weight"`
	Healthy       bool             `json:"healthy"`
	InFlight      int64            `json:"in_flight"`
	Breaker       breaker.Snapshot `json:"breaker"`
	Stats         statsView        `json:"stats"`
}

func (h *Handler) status() handlerStatus {
	now := h.now()
	st := handlerStatus{
		Started:   h.started,
		Balancing: h.balancingPolicy(),
		Routing: routingStatus{
			Strategy: h.router.Name(), Fallback: h.Routing.Fallback, DecisionCache: h.decisions != nil,
		},
		Aliases: h.Aliases,
	}
	if h.keyring != nil {
		st.ClientKeys = h.keyring.Len()
	}
	for _, up := range h.catalog.upstreams {
		ps := providerStatus{
			Name: up.name, Type: up.cfg.Type(), BaseURL: safeURL(up.cfg.BaseURL),
			Region: up.cfg.Region, Models: append([]string{}, up.cfg.Models...), Keys: []keyStatus{},
		}
		for _, k := range up.keys {
			ps.Keys = append(ps.Keys, keyStatusOf(k, now))
		}
		ps.UnlistedModels = []deploymentStatus{}
		for _, ds := range up.unlisted.list() {
			ps.UnlistedModels = append(ps.UnlistedModels, deploymentStatusOf(&deployment{
				id: ds.id, public: ds.model, upstream: up.cfg.UpstreamModel(ds.model), up: up, state: ds,
			}))
		}
		st.Providers = append(st.Providers, ps)
	}
	ids := make([]string, 0, len(h.catalog.byID))
	for id := range h.catalog.byID {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		st.Deployments = append(st.Deployments, deploymentStatusOf(h.catalog.byID[id]))
	}
	st.Cache = h.cacheStatus()
	st.SharedState = h.sharedStatus()
	st.Catalog = h.catalogStatus()
	st.MCP = h.mcpStatus()
	return st
}

func deploymentStatusOf(d *deployment) deploymentStatus {
	snap := d.state.brk.Snapshot()
	return deploymentStatus{
		ID: d.id, Provider: d.up.name, Model: d.public, UpstreamModel: d.upstream,
		Region: d.up.cfg.Region, Weight: d.up.cfg.Weight,
		Healthy:  snap.State != breaker.Open && !d.state.unhealthy.Load(),
		InFlight: d.state.endpoint.InFlight(), Breaker: snap, Stats: d.state.stats.view(),
	}
}

func keyStatusOf(k *upstreamKey, now time.Time) keyStatus {
	phase, next, level := k.state.health.view(now)
	ks := keyStatus{
		Fingerprint: k.Fingerprint, State: phase, BackoffLevel: level,
		Requests: k.state.requests.Load(), Errors: k.state.errors.Load(),
	}
	if !next.IsZero() {
		ks.NextProbe = &next
	}
	switch {
	case k.expired(now):
		ks.State = "expired"
	case phase == keyActive && k.state.cooldown.Load() > now.UnixNano():
		ks.State = "cooling_down"
	}
	if !k.NotAfter.IsZero() {
		t := k.NotAfter
		ks.NotAfter = &t
	}
	if n := k.state.lastUse.Load(); n > 0 {
		t := time.Unix(0, n).UTC()
		ks.LastUse = &t
	}
	return ks
}

// safeURL drops credentials and query strings from a URL for display.
func safeURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	u.User = nil
	u.RawQuery = ""
	return u.String()
}

// Interface guards
var (
	_ caddy.AdminRouter = (*Admin)(nil)
	_ caddy.Provisioner = (*Admin)(nil)
)
