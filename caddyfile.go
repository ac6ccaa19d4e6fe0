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
// retry and client-key blocks; the other blocks have files of their own.
func (h *Handler) UnmarshalCaddyfile(d *caddyfile.Dispenser) error {
	d.Next() // directive name
	if d.NextArg() {
		return d.ArgErr()
	}
	return h.subdirectives().read(d, func(name string) error {
		return d.Errf("unrecognized ai_backends subdirective %q", name)
	})
}

// subdirectives are the readers of the ai_backends block.
func (h *Handler) subdirectives() options {
	return options{
		"provider":                h.parseProvider,
		"alias":                   h.parseAlias,
		"routing":                 h.parseRouting,
		"load_balancing":          h.parseBalancing,
		"circuit_breaker":         once(&h.CircuitBreaker, (*BreakerConfig).blockOptions),
		"retry":                   once(&h.Retry, (*RetryConfig).blockOptions),
		"client_key":              h.parseClientKey,
		"cache":                   once(&h.Cache, (*CacheConfig).blockOptions),
		"security":                once(&h.Security, (*SecurityConfig).blockOptions),
		"storage":                 h.parseStorage,
		"catalog":                 h.parseCatalog,
		"responses":               once(&h.Responses, (*ResponsesConfig).blockOptions),
		"mcp":                     h.parseMCP,
		"tracing_content":         h.parseTracingContent,
		"degrade_to":              fill(&h.DegradeTo, caddyargs.String),
		"master_key":              h.parseMasterKey,
		"key_expiry_warning_days": set(&h.KeyExpiryWarningDays, caddyargs.Int),
		"audit_prompts":           flag(&h.AuditPrompts),
		"managed_keys":            flag(&h.ManagedKeys),
		"max_body_size":           set(&h.MaxBodySize, caddyargs.Size),
		"body_read_timeout":       fill(&h.BodyReadTimeout, caddyargs.Duration),
		"max_messages":            set(&h.MaxMessages, caddyargs.Int),
	}
}

// parseAlias reads `alias <name> <provider/model>...`.
func (h *Handler) parseAlias(d *caddyfile.Dispenser) error {
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
	return nil
}

// parseMasterKey reads `master_key <placeholder>...`; it may repeat.
func (h *Handler) parseMasterKey(d *caddyfile.Dispenser) error {
	args := d.RemainingArgs()
	if len(args) == 0 {
		return d.ArgErr()
	}
	h.MasterKeys = append(h.MasterKeys, args...)
	return nil
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
	rc, err := caddyargs.First(d, &h.Routing)
	if err != nil {
		return err
	}
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
		rc.RouterRaw = caddyconfig.JSONModuleObject(unm, "name", strategy, nil)
		return nil
	}
	rc.Strategy = strategy
	if d.NextArg() {
		return d.ArgErr()
	}
	return readBlock(d, "routing", options{
		"cache_ttl": fill(&rc.CacheTTL, caddyargs.Duration),
		"fallback": func(d *caddyfile.Dispenser) error {
			rc.Fallback = append(rc.Fallback, d.RemainingArgs()...)
			if len(rc.Fallback) == 0 {
				return d.ArgErr()
			}
			return nil
		},
		"weights": rc.parseWeights,
		"regions": func(d *caddyfile.Dispenser) error {
			if rc.Regions = d.RemainingArgs(); len(rc.Regions) == 0 {
				return d.ArgErr()
			}
			return nil
		},
		"region_header":          fill(&rc.RegionHeader, caddyargs.String),
		"allow_override":         flag(&rc.AllowOverride),
		"expected_output_tokens": set(&rc.ExpectedOutputTokens, caddyargs.Int),
	})
}

// parseWeights reads `weights <cost> <latency> <reliability>`.
func (rc *RoutingConfig) parseWeights(d *caddyfile.Dispenser) error {
	args := d.RemainingArgs()
	if len(args) != 3 {
		return d.Errf("usage: weights <cost> <latency> <reliability>")
	}
	w := &RoutingWeights{}
	for i, dst := range []*float64{&w.Cost, &w.Latency, &w.Reliability} {
		f, err := strconv.ParseFloat(args[i], 64)
		if err != nil || f < 0 {
			return d.Errf("weights: %q is not a non-negative number", args[i])
		}
		*dst = f
	}
	rc.Weights = w
	return nil
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
	lb, err := caddyargs.First(d, &h.LoadBalancing)
	if err != nil {
		return err
	}
	if d.NextArg() {
		lb.Policy = d.Val()
	}
	if d.NextArg() {
		return d.ArgErr()
	}
	return readBlock(d, "load_balancing", options{
		"policy":                fill(&lb.Policy, caddyargs.String),
		"health_check_interval": fill(&lb.HealthCheckInterval, caddyargs.Duration),
		"health_check_timeout":  fill(&lb.HealthCheckTimeout, caddyargs.Duration),
		"health_check_model":    fill(&lb.HealthCheckModel, caddyargs.String),
	})
}

// blockOptions are the circuit_breaker block's.
func (b *BreakerConfig) blockOptions() options {
	return options{
		"failure_threshold": set(&b.FailureThreshold, caddyargs.Int),
		"failure_ratio":     set(&b.FailureRatio, caddyargs.Float),
		"min_requests":      set(&b.MinRequests, caddyargs.Int),
		"window":            fill(&b.Window, caddyargs.Duration),
		"recovery_timeout":  fill(&b.RecoveryTimeout, caddyargs.Duration),
		"success_threshold": set(&b.SuccessThreshold, caddyargs.Int),
		"half_open_probes":  set(&b.HalfOpenProbes, caddyargs.Int),
	}
}

// blockOptions are the retry block's.
func (rc *RetryConfig) blockOptions() options {
	return options{
		"base_backoff": fill(&rc.BaseBackoff, caddyargs.Duration),
		"max_backoff":  fill(&rc.MaxBackoff, caddyargs.Duration),
		"deadline":     fill(&rc.Deadline, caddyargs.Duration),
	}
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
	if err := readBlock(d, "client_key", options{
		"label":                fill(&k.Label, caddyargs.String),
		"models":               appendArgs(&k.Models),
		"requests_per_minute":  set(&k.RequestsPerMinute, caddyargs.Int),
		"tokens_per_minute":    set(&k.TokensPerMinute, caddyargs.Int),
		"max_tokens":           set(&k.MaxTokens, caddyargs.Int),
		"mcp_tools":            appendArgs(&k.MCPTools),
		"mcp_calls_per_minute": set(&k.MCPCallsPerMinute, caddyargs.Int),
		"budget":               k.parseBudget,
	}); err != nil {
		return err
	}
	h.ClientKeys = append(h.ClientKeys, k)
	return nil
}

// parseBudget reads `budget <usd> [per <duration>]`.
func (k *ClientKey) parseBudget(d *caddyfile.Dispenser) error {
	args := d.RemainingArgs()
	if len(args) != 1 && !(len(args) == 3 && args[1] == "per") {
		return d.Errf("usage: budget <usd> [per <duration>]")
	}
	f, err := strconv.ParseFloat(args[0], 64)
	if err != nil || f < 0 {
		return d.Errf("budget: %q is not a non-negative amount of USD", args[0])
	}
	k.BudgetUSD = f
	if len(args) == 3 {
		dur, err := caddy.ParseDuration(args[2])
		if err != nil {
			return d.WrapErr(err)
		}
		k.BudgetPeriod = caddy.Duration(dur)
	}
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
