// Package router is an example of a custom routing strategy packaged as a
// Caddy module, for ai_backends' `routing` directive.
//
// A custom strategy is any Caddy module in the namespace
// http.ai_backends.routers that implements routing.RouterModule
// (caddy.Module plus routing.Strategy). Build it into Caddy with xcaddy
// (`--with github.com/sira-ai/caddy-ai-backends/examples/router`) or a blank
// import in cmd/caddy, then name it in place of a built-in strategy. In JSON:
//
//	"routing": {"router": {"name": "cheapest_healthy_first", "max_cost": 0.01}}
package router

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/sira-ai/caddy-ai-backends/routing"
)

func init() {
	caddy.RegisterModule(CheapestHealthyFirst{})
}

// CheapestHealthyFirst routes to the cheapest capable deployment, like the
// built-in cost strategy, with two differences that show what a custom
// strategy can do:
//
//   - A budget: deployments whose estimated cost for the request exceeds
//     MaxCost are left out entirely, so an outage of the cheap deployments
//     fails the request instead of silently moving it to an expensive one.
//   - Unhealthy deployments are dropped while any healthy one is left (the
//     built-in strategies only move them last); when none is healthy, they
//     are all tried, cheapest first.
type CheapestHealthyFirst struct {
	// MaxCost is the most a request may cost, in USD, by the strategy's
	// estimate. Deployments without prices are kept (they cannot be
	// judged) and tried after the priced ones. 0 means no limit.
	MaxCost float64 `json:"max_cost,omitempty"`
	// ExpectedOutputTokens is the typical completion length for the
	// estimate. Default: 256.
	ExpectedOutputTokens int `json:"expected_output_tokens,omitempty"`
}

// CaddyModule returns the Caddy module information.
func (CheapestHealthyFirst) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  routing.Namespace + ".cheapest_healthy_first",
		New: func() caddy.Module { return new(CheapestHealthyFirst) },
	}
}

// Validate rejects negative settings.
func (s *CheapestHealthyFirst) Validate() error {
	if s.MaxCost < 0 || math.IsNaN(s.MaxCost) || math.IsInf(s.MaxCost, 0) {
		return fmt.Errorf("max_cost must be >= 0, got %v", s.MaxCost)
	}
	if s.ExpectedOutputTokens < 0 {
		return fmt.Errorf("expected_output_tokens must be >= 0, got %d", s.ExpectedOutputTokens)
	}
	return nil
}

// Name is the strategy name reported in decisions.
func (*CheapestHealthyFirst) Name() string { return "cheapest_healthy_first" }

// ranked is a kept candidate and its estimate.
type ranked struct {
	idx    int
	usd    float64
	priced bool
}

// Route orders the candidates as the type's doc describes.
func (s *CheapestHealthyFirst) Route(req *routing.Request, cands []routing.Candidate) routing.Decision {
	if req == nil {
		req = &routing.Request{}
	}
	var healthy, unhealthy []ranked
	overBudget, incapable := 0, 0
	for i := range cands {
		c := &cands[i]
		if ok, _ := routing.Capable(req, c.Spec); !ok {
			incapable++
			continue
		}
		usd, priced := routing.EstimateCost(req, c.Spec, s.ExpectedOutputTokens)
		if priced && s.MaxCost > 0 && usd > s.MaxCost {
			overBudget++
			continue
		}
		r := ranked{idx: i, usd: usd, priced: priced}
		if c.Healthy {
			healthy = append(healthy, r)
		} else {
			unhealthy = append(unhealthy, r)
		}
	}
	pool, note := healthy, "healthy"
	if len(healthy) == 0 {
		pool, note = unhealthy, "unhealthy (none healthy)"
	}
	// Priced first, cheapest first; ties keep the configured order.
	slices.SortStableFunc(pool, func(a, b ranked) int {
		switch {
		case a.priced != b.priced:
			if a.priced {
				return -1
			}
			return 1
		case a.usd < b.usd:
			return -1
		case a.usd > b.usd:
			return 1
		}
		return 0
	})
	order := make([]int, len(pool))
	for i, r := range pool {
		order[i] = r.idx
	}
	reasoning := []string{
		s.Name() + ": " + strconv.Itoa(len(pool)) + " " + note + " of " + strconv.Itoa(len(cands)) +
			" deployments; " + strconv.Itoa(incapable) + " incapable, " + strconv.Itoa(overBudget) + " over budget",
	}
	if len(pool) > 0 {
		first := pool[0]
		line := s.Name() + ": " + cands[first.idx].ID
		if first.priced {
			line += " est. $" + strconv.FormatFloat(first.usd, 'g', 3, 64)
		} else {
			line += " (no price)"
		}
		reasoning = append(reasoning, line)
	}
	confidence := 0.9
	if len(healthy) == 0 {
		confidence = 0.3
	}
	return routing.NewDecision(s.Name(), cands, order, confidence, reasoning...)
}

// UnmarshalCaddyfile sets up the strategy from Caddyfile tokens:
//
//	cheapest_healthy_first {
//	    max_cost               <usd>
//	    expected_output_tokens <n>
//	}
func (s *CheapestHealthyFirst) UnmarshalCaddyfile(d *caddyfile.Dispenser) error {
	d.Next() // the module name
	if d.NextArg() {
		return d.ArgErr()
	}
	seen := map[string]bool{}
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		key := d.Val()
		if seen[key] {
			return d.Errf("duplicate subdirective %q", key)
		}
		seen[key] = true
		var val string
		if !d.AllArgs(&val) {
			return d.ArgErr()
		}
		switch key {
		case "max_cost":
			v, err := strconv.ParseFloat(val, 64)
			if err != nil || v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
				return d.Errf("max_cost must be a non-negative number of USD, got %q", val)
			}
			s.MaxCost = v
		case "expected_output_tokens":
			v, err := strconv.Atoi(val)
			if err != nil || v < 0 {
				return d.Errf("expected_output_tokens must be a non-negative integer, got %q", val)
			}
			s.ExpectedOutputTokens = v
		default:
			return d.Errf("unrecognized subdirective %q", key)
		}
	}
	return nil
}

// Interface guards.
var (
	_ routing.RouterModule  = (*CheapestHealthyFirst)(nil)
	_ caddy.Validator       = (*CheapestHealthyFirst)(nil)
	_ caddyfile.Unmarshaler = (*CheapestHealthyFirst)(nil)
)
