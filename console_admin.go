package aibackends

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/caddyserver/caddy/v2"
)

// The read-only admin routes behind the operator console: the overview's
// per-minute series, the recent requests and the resolved configuration.
// Each answers GET only; none carries a secret.

func (a Admin) overview(w http.ResponseWriter, r *http.Request) error {
	if err := onlyMethod(r, http.MethodGet); err != nil {
		return err
	}
	return writeAdminJSON(w, processActivity.overview(time.Now()))
}

func (a Admin) requests(w http.ResponseWriter, r *http.Request) error {
	if err := onlyMethod(r, http.MethodGet); err != nil {
		return err
	}
	limit := recentCapacity
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return caddy.APIError{HTTPStatus: http.StatusBadRequest,
				Err: fmt.Errorf("limit must be a whole number from 1 to %d, not %q", recentCapacity, v)}
		}
		limit = min(n, recentCapacity)
	}
	return writeAdminJSON(w, map[string]any{"capacity": recentCapacity, "requests": processRecent.list(limit)})
}

func (a Admin) config(w http.ResponseWriter, r *http.Request) error {
	return serveHandlers(w, r, (*Handler).configView)
}

// handlerConfigView is one handler's resolved configuration as the console
// shows it: names, routing, limits; never a key, a secret or a credential
// in a URL.
type handlerConfigView struct {
	Started   time.Time             `json:"started"`
	Routing   routingStatus         `json:"routing"`
	Balancing string                `json:"load_balancing"`
	DegradeTo string                `json:"degrade_to,omitempty"`
	Aliases   map[string][]string   `json:"aliases"`
	Models    map[string][]string   `json:"models"` // public name or alias → deployments
	Providers []providerConfigView  `json:"providers"`
	Clients   []clientKeyConfigView `json:"client_keys"`
}

type providerConfigView struct {
	Name    string   `json:"name"`
	Type    string   `json:"type"`
	BaseURL string   `json:"base_url,omitempty"`
	Region  string   `json:"region,omitempty"`
	Weight  int      `json:"weight,omitempty"`
	Models  []string `json:"models"`
	Keys    int      `json:"upstream_keys"`
}

// clientKeyConfigView is a Caddyfile client_key without its secret.
type clientKeyConfigView struct {
	Label             string         `json:"label,omitempty"`
	Models            []string       `json:"models,omitempty"`
	RequestsPerMinute int            `json:"requests_per_minute,omitempty"`
	TokensPerMinute   int            `json:"tokens_per_minute,omitempty"`
	BudgetUSD         float64        `json:"budget_usd,omitempty"`
	BudgetPeriod      caddy.Duration `json:"budget_period,omitempty"`
	MaxTokens         int            `json:"max_tokens,omitempty"`
}

func (h *Handler) configView() handlerConfigView {
	v := handlerConfigView{
		Started: h.started, Balancing: h.balancingPolicy(), DegradeTo: h.DegradeTo,
		Routing: routingStatus{Strategy: h.router.Name(), Fallback: h.Routing.Fallback, DecisionCache: h.decisions != nil},
		Aliases: h.Aliases, Models: map[string][]string{},
		Providers: []providerConfigView{}, Clients: []clientKeyConfigView{},
	}
	if v.Aliases == nil {
		v.Aliases = map[string][]string{}
	}
	for name, ds := range h.catalog.byModel {
		ids := make([]string, 0, len(ds))
		for _, d := range ds {
			ids = append(ids, d.id)
		}
		v.Models[name] = ids
	}
	for _, up := range h.catalog.upstreams {
		v.Providers = append(v.Providers, providerConfigView{
			Name: up.name, Type: up.cfg.Type(), BaseURL: safeURL(up.cfg.BaseURL), Region: up.cfg.Region,
			Weight: up.cfg.Weight, Models: append([]string{}, up.cfg.Models...), Keys: len(up.keys),
		})
	}
	for _, k := range h.ClientKeys {
		v.Clients = append(v.Clients, clientKeyConfigView{
			Label: k.Label, Models: k.Models, RequestsPerMinute: k.RequestsPerMinute, TokensPerMinute: k.TokensPerMinute,
			BudgetUSD: k.BudgetUSD, BudgetPeriod: k.BudgetPeriod, MaxTokens: k.MaxTokens,
		})
	}
	return v
}
