package aibackends

import (
	"encoding/json"
	"strconv"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
	"github.com/caddyserver/caddy/v2/caddyconfig/httpcaddyfile"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"

	"github.com/sira-ai/caddy-ai-backends/internal/caddyargs"
	"github.com/sira-ai/caddy-ai-backends/providers"
	"github.com/sira-ai/caddy-ai-backends/routing"
)

func init() {
	httpcaddyfile.RegisterHandlerDirective("ai_backends", parseCaddyfile)
	httpcaddyfile.RegisterDirectiveOrder("ai_backends", httpcaddyfile.Before, "reverse_proxy")
}

func parseCaddyfile(h httpcaddyfile.Helper) (caddyhttp.MiddlewareHandler, error) {
	m := new(Handler)
	err := m.UnmarshalCaddyfile(h.Dispenser)
	return m, err
}

// UnmarshalCaddyfile parses the ai_backends directive. Every subdirective
// (the README's configuration reference has their options):
//
//	ai_backends {
//	    provider <name> [<type>] { ... }
//	    alias <name> <provider/model>...
//	    routing <strategy> { ... }
//	    load_balancing <policy> { ... }
//	    circuit_breaker { ... }
//	    retry { ... }
//	    client_key <key> { ... }
//	    cache { ... }
//	    security { ... }
//	    storage redis { ... }
//	    catalog [<file>] { ... }
//	    responses { ... }
//	    mcp [<path>] { ... }
//	    degrade_to <model-or-alias>
//	    master_key <placeholder>...
//	    key_expiry_warning_days <n>
//	    audit_prompts
//	    managed_keys
//	    tracing_content <size>
//	    max_body_size <size>
//	    body_read_timeout <duration>
//	    max_messages <n>
//	}
//
// This file parses the top level and the routing, balancing, breaker,
// retry and client-key blocks; caddyfile_options.go dispatches the rest.
func (h *Handler) UnmarshalCaddyfile(d *caddyfile.Dispenser) error {
	d.Next() // directive name
	if d.NextArg() {
		return d.ArgErr()
	}
	return caddyargs.EachOption(d, func(name string) (err error) {
		switch name {
		case "provider":
			err = h.parseProvider(d)
		case "alias":
			args := d.RemainingArgs()
			if len(args) < 2 {
				return d.Errf("usage: alias <name> <provider/model>...")
			}
			if h.Aliases == nil {
				h.Aliases = map[string][]string{}
			}
			if _, dup := h.Aliases[args[0]]; dup {
				return d.Errf("alias %q is defined twice", args[0])
			}
			h.Aliases[args[0]] = args[1:]
		case "routing":
			err = h.parseRouting(d)
		case "load_balancing":
			err = h.parseBalancing(d)
		case "circuit_breaker":
			err = h.parseBreaker(d)
		case "retry":
			err = h.parseRetry(d)
		case "client_key":
			err = h.parseClientKey(d)
		case "max_body_size":
			h.MaxBodySize, err = caddyargs.Size(d)
		case "max_messages":
			h.MaxMessages, err = caddyargs.Int(d)
		default:
			err = h.unmarshalMore(d)
		}
		return err
	})
}

// parseProvider reads `provider <name> [<type>] { ... }` and hands the
// block to the provider module's own unmarshaler.
func (h *Handler) parseProvider(d *caddyfile.Dispenser) error {
	seg := d.NewFromNextSegment() // "provider" and its block; d moves past it
	seg.Next()
	args := seg.RemainingArgs()
	if len(args) < 1 || len(args) > 2 {
		return d.Errf("usage: provider <name> [<type>] { ... }")
	}
	name, typ := args[0], args[0]
	if len(args) == 2 {
		typ = args[1]
	}
	if h.declaresProvider(name) {
		return d.Errf("provider %q is declared twice", name)
	}
	unm, err := unmarshalGuest(seg, providers.Namespace+"."+typ)
	if err != nil {
		return err
	}
	p, ok := unm.(providers.Provider)
	if !ok {
		return d.Errf("module %s is not an AI provider", typ)
	}
	p.Base().Name = name
	h.ProvidersRaw = append(h.ProvidersRaw, caddyconfig.JSONModuleObject(unm, "type", typ, nil))
	return nil
}

// unmarshalGuest builds the module id and lets it parse the whole segment
// (its dispenser starts before the segment's first token).
func unmarshalGuest(seg *caddyfile.Dispenser, id string) (caddyfile.Unmarshaler, error) {
	mod, err := caddy.GetModule(id)
	if err != nil {
		return nil, seg.Errf("getting module named '%s': %v", id, err)
	}
	unm, ok := mod.New().(caddyfile.Unmarshaler)
	if !ok {
		return nil, seg.Errf("module %s is not a Caddyfile unmarshaler", id)
	}
	seg.Reset()
	if err := unm.UnmarshalCaddyfile(seg); err != nil {
		return nil, err
	}
	return unm, nil
}

func (h *Handler) parseRouting(d *caddyfile.Dispenser) error {
	if h.Routing != nil {
		return d.Err("routing is configured twice")
	}
	h.Routing = &RoutingConfig{}
	tokens := d.NextSegment()
	d = caddyfile.NewDispenser(tokens)
	d.Next()
	if !d.NextArg() {
		return d.Errf("usage: routing <strategy> { ... }; strategies: %v", routing.Names())
	}
	strategy := d.Val()
	if !isBuiltinStrategy(strategy) {
		// A custom router module parses its own block, starting at its name.
		unm, err := unmarshalGuest(caddyfile.NewDispenser(tokens[1:]), "http.ai_backends.routers."+strategy)
		if err != nil {
			return err
		}
		h.Routing.RouterRaw = caddyconfig.JSONModuleObject(unm, "name", strategy, nil)
		return nil
	}
	h.Routing.Strategy = strategy
	if d.NextArg() {
		return d.ArgErr()
	}
	rc := h.Routing
	return caddyargs.EachOption(d, func(name string) (err error) {
		switch name {
		case "cache_ttl":
			err = caddyargs.Duration(d, &rc.CacheTTL)
		case "fallback":
			rc.Fallback = append(rc.Fallback, d.RemainingArgs()...)
			if len(rc.Fallback) == 0 {
				return d.ArgErr()
			}
		case "weights":
			args := d.RemainingArgs()
			if len(args) != 3 {
				return d.Errf("usage: weights <cost> <latency> <reliability>")
			}
			w := &RoutingWeights{}
			for i, dst := range []*float64{&w.Cost, &w.Latency, &w.Reliability} {
				f, perr := strconv.ParseFloat(args[i], 64)
				if perr != nil || f < 0 {
					return d.Errf("weights: %q is not a non-negative number", args[i])
				}
				*dst = f
			}
			rc.Weights = w
		case "regions":
			rc.Regions = d.RemainingArgs()
			if len(rc.Regions) == 0 {
				return d.ArgErr()
			}
		case "region_header":
			err = caddyargs.String(d, &rc.RegionHeader)
		case "allow_override":
			rc.AllowOverride = true
		case "expected_output_tokens":
			rc.ExpectedOutputTokens, err = caddyargs.Int(d)
		default:
			err = caddyargs.Unrecognized(d, "routing", name)
		}
		return err
	})
}

func isBuiltinStrategy(name string) bool {
	for _, n := range routing.Names() {
		if n == name {
			return true
		}
	}
	return false
}

func (h *Handler) parseBalancing(d *caddyfile.Dispenser) error {
	if h.LoadBalancing != nil {
		return d.Err("load_balancing is configured twice")
	}
	lb := &BalancingConfig{}
	h.LoadBalancing = lb
	if d.NextArg() {
		lb.Policy = d.Val()
	}
	if d.NextArg() {
		return d.ArgErr()
	}
	return caddyargs.EachOption(d, func(name string) (err error) {
		switch name {
		case "policy":
			err = caddyargs.String(d, &lb.Policy)
		case "health_check_interval":
			err = caddyargs.Duration(d, &lb.HealthCheckInterval)
		case "health_check_timeout":
			err = caddyargs.Duration(d, &lb.HealthCheckTimeout)
		case "health_check_model":
			err = caddyargs.String(d, &lb.HealthCheckModel)
		default:
			err = caddyargs.Unrecognized(d, "load_balancing", name)
		}
		return err
	})
}

func (h *Handler) parseBreaker(d *caddyfile.Dispenser) error {
	b, err := caddyargs.Once(d, &h.CircuitBreaker)
	if err != nil {
		return err
	}
	return caddyargs.EachOption(d, func(name string) (err error) {
		switch name {
		case "failure_threshold":
			b.FailureThreshold, err = caddyargs.Int(d)
		case "failure_ratio":
			b.FailureRatio, err = caddyargs.Float(d)
		case "min_requests":
			b.MinRequests, err = caddyargs.Int(d)
		case "window":
			err = caddyargs.Duration(d, &b.Window)
		case "recovery_timeout":
			err = caddyargs.Duration(d, &b.RecoveryTimeout)
		case "success_threshold":
			b.SuccessThreshold, err = caddyargs.Int(d)
		case "half_open_probes":
			b.HalfOpenProbes, err = caddyargs.Int(d)
		default:
			err = caddyargs.Unrecognized(d, "circuit_breaker", name)
		}
		return err
	})
}

func (h *Handler) parseRetry(d *caddyfile.Dispenser) error {
	rc, err := caddyargs.Once(d, &h.Retry)
	if err != nil {
		return err
	}
	return caddyargs.EachOption(d, func(name string) (err error) {
		switch name {
		case "base_backoff":
			err = caddyargs.Duration(d, &rc.BaseBackoff)
		case "max_backoff":
			err = caddyargs.Duration(d, &rc.MaxBackoff)
		case "deadline":
			err = caddyargs.Duration(d, &rc.Deadline)
		default:
			err = caddyargs.Unrecognized(d, "retry", name)
		}
		return err
	})
}

// parseClientKey reads:
//
//	client_key <key> {
//	    label <label>
//	    models <model>...
//	    requests_per_minute <n>
//	    tokens_per_minute <n>
//	    budget <usd> [per <duration>]
//	    max_tokens <n>
//	    mcp_tools <server__tool>...
//	    mcp_calls_per_minute <n>
//	}
func (h *Handler) parseClientKey(d *caddyfile.Dispenser) error {
	var k ClientKey
	if !d.NextArg() {
		return d.ArgErr()
	}
	k.Key = d.Val()
	if d.NextArg() {
		return d.ArgErr()
	}
	if err := caddyargs.EachOption(d, func(name string) (err error) {
		switch name {
		case "label":
			err = caddyargs.String(d, &k.Label)
		case "models":
			k.Models = append(k.Models, d.RemainingArgs()...)
		case "requests_per_minute":
			k.RequestsPerMinute, err = caddyargs.Int(d)
		case "tokens_per_minute":
			k.TokensPerMinute, err = caddyargs.Int(d)
		case "max_tokens":
			k.MaxTokens, err = caddyargs.Int(d)
		case "mcp_tools":
			k.MCPTools = append(k.MCPTools, d.RemainingArgs()...)
		case "mcp_calls_per_minute":
			k.MCPCallsPerMinute, err = caddyargs.Int(d)
		case "budget":
			args := d.RemainingArgs()
			if len(args) != 1 && !(len(args) == 3 && args[1] == "per") {
				return d.Errf("usage: budget <usd> [per <duration>]")
			}
			f, perr := strconv.ParseFloat(args[0], 64)
			if perr != nil || f < 0 {
				return d.Errf("budget: %q is not a non-negative amount of USD", args[0])
			}
			k.BudgetUSD = f
			if len(args) == 3 {
				dur, derr := caddy.ParseDuration(args[2])
				if derr != nil {
					return d.WrapErr(derr)
				}
				k.BudgetPeriod = caddy.Duration(dur)
			}
		default:
			err = caddyargs.Unrecognized(d, "client_key", name)
		}
		return err
	}); err != nil {
		return err
	}
	h.ClientKeys = append(h.ClientKeys, k)
	return nil
}

// declaresProvider reports whether a provider of that name was parsed
// already; the parsed blocks are the only parser state kept.
func (h *Handler) declaresProvider(name string) bool {
	for _, raw := range h.ProvidersRaw {
		var p struct {
			Name string `json:"name"`
		}
		if json.Unmarshal(raw, &p) == nil && p.Name == name {
			return true
		}
	}
	return false
}
