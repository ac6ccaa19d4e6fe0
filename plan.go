package aibackends

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/caddyserver/caddy/v2"
	"go.uber.org/zap"

	"github.com/sira-ai/caddy-ai-backends/metrics"
	"github.com/sira-ai/caddy-ai-backends/providers"
	"github.com/sira-ai/caddy-ai-backends/routing"
)

// provisionRouting builds the configured strategy (or loads a custom
// router module) and the decision cache.
func (h *Handler) provisionRouting(ctx caddy.Context) error {
	rc := h.Routing
	if rc.RouterRaw != nil {
		mod, err := ctx.LoadModule(rc, "RouterRaw")
		if err != nil {
			return fmt.Errorf("loading router: %v", err)
		}
		s, ok := mod.(routing.Strategy)
		if !ok {
			return fmt.Errorf("router module %T is not a routing strategy", mod)
		}
		h.router = s
	} else {
		s, err := routing.New(rc.Strategy, h.routingOptions())
		if err != nil {
			return err
		}
		h.router = s
	}
	if rc.CacheTTL > 0 {
		h.decisions = routing.NewCache(timeDuration(rc.CacheTTL), nil)
	}
	for _, name := range rc.Fallback {
		if up, ok := h.catalog.byProvider[name]; ok {
			h.fallback = append(h.fallback, up)
		}
	}
	return nil
}

func (h *Handler) routingOptions() routing.Options {
	o := routing.Options{Regions: h.Routing.Regions, ExpectedOutputTokens: h.Routing.ExpectedOutputTokens}
	if w := h.Routing.Weights; w != nil {
		o.Weights = routing.Weights{Cost: w.Cost, Latency: w.Latency, Reliability: w.Reliability}
	}
	return o
}

// plan is the ordered list of deployments one request will try.
type plan struct {
	order    []*deployment
	decision routing.Decision
}

// makePlan routes a request over the deployments of its model, then adds
// the configured fallback providers that serve the model and are not in the
// list yet.
func (h *Handler) makePlan(r *http.Request, ds []*deployment, need routing.Request) plan {
	strategy := h.router
	if h.Routing.AllowOverride {
		if name := r.Header.Get("X-AI-Strategy"); name != "" {
			if s, err := routing.New(name, h.routingOptions()); err == nil {
				strategy = s
			}
		}
	}
	need.Region = r.Header.Get(h.Routing.RegionHeader)
	cands := make([]routing.Candidate, len(ds))
	var gen uint64
	for i, d := range ds {
		v := d.state.stats.view()
		healthy := d.state.brk.Ready() && !d.state.unhealthy.Load()
		cands[i] = routing.Candidate{
			ID: d.id, Provider: d.up.name, Model: d.upstream, Region: d.up.cfg.Region,
			Weight: d.up.cfg.Weight, Spec: d.spec(), Healthy: healthy,
			Latency: secondsToDuration(v.LatencyMS / 1000), TTFT: secondsToDuration(v.TTFTMS / 1000),
			SuccessRate: v.SuccessRate, Samples: int(v.samples), InFlight: d.state.endpoint.InFlight(),
		}
		gen += d.state.brk.Generation()
		if healthy {
			gen += uint64(i+1) << 32
		}
	}
	var dec routing.Decision
	cached := false
	var key string
	if h.decisions != nil && strategy == h.router {
		key = routing.ShapeKey(&need, strategy.Name())
		dec, cached = h.decisions.Get(key, gen)
	}
	if !cached {
		dec = strategy.Route(&need, cands)
		if h.decisions != nil && strategy == h.router {
			h.decisions.Put(key, gen, dec)
		}
	}
	order := make([]*deployment, 0, len(dec.Order)+len(h.fallback))
	for _, i := range dec.Order {
		order = append(order, ds[i])
	}
	if dec.Strategy == "load_balance" && len(order) > 1 {
		order = h.balanceFirst(order)
	}
	order = h.applyFallbackHeader(r, order, ds)
	order = h.appendFallbacks(order, ds)
	if len(order) > 0 {
		metrics.IncRoutingDecision(dec.Strategy, order[0].up.name)
	}
	if ce := h.logger.Check(zap.DebugLevel, "routing decision"); ce != nil {
		ce.Write(zap.String("strategy", dec.Strategy), zap.Float64("confidence", dec.Confidence),
			zap.Strings("reasoning", dec.Reasoning), zap.Strings("alternatives", dec.Alternatives),
			zap.Bool("cached", cached))
	}
	return plan{order: order, decision: dec}
}

// balanceFirst lets the balancer choose the first deployment among the
// healthy ones; the rest keep their order as fallbacks.
func (h *Handler) balanceFirst(order []*deployment) []*deployment {
	var buf [16]*deployment
	healthy := buf[:0]
	for _, d := range order {
		if d.state.brk.Ready() && !d.state.unhealthy.Load() {
			healthy = append(healthy, d)
		}
	}
	if len(healthy) < 2 {
		return order
	}
	pick := h.pickDeployment(healthy)
	if pick < 0 {
		return order
	}
	chosen := healthy[pick]
	out := make([]*deployment, 0, len(order))
	out = append(out, chosen)
	for _, d := range order {
		if d != chosen {
			out = append(out, d)
		}
	}
	return out
}

// applyFallbackHeader reorders the plan by X-AI-Fallback (provider names),
// when the config allows requests to choose.
func (h *Handler) applyFallbackHeader(r *http.Request, order, all []*deployment) []*deployment {
	if !h.Routing.AllowOverride {
		return order
	}
	hdr := r.Header.Get("X-AI-Fallback")
	if hdr == "" {
		return order
	}
	var out []*deployment
	seen := map[*deployment]bool{}
	for _, name := range strings.Split(hdr, ",") {
		name = strings.TrimSpace(name)
		for _, d := range all {
			if d.up.name == name && !seen[d] {
				out = append(out, d)
				seen[d] = true
			}
		}
	}
	for _, d := range order {
		if !seen[d] {
			out = append(out, d)
		}
	}
	return out
}

// appendFallbacks adds the configured fallback providers: a deployment of
// theirs for the same public model, or the provider addressed directly with
// the first deployment's upstream model.
func (mr *modelRoutes) appendFallbacks(order, all []*deployment) []*deployment {
	if len(mr.fallback) == 0 || len(all) == 0 {
		return order
	}
	for _, up := range mr.fallback {
		if containsProvider(order, up) {
			continue
		}
		d := mr.catalog.resolve(up.name + "/" + all[0].public)
		if len(d) > 0 {
			order = append(order, d[0])
		}
	}
	return order
}

func containsProvider(ds []*deployment, up *upstream) bool {
	for _, d := range ds {
		if d.up == up {
			return true
		}
	}
	return false
}

// errNoDeployment is the 404 for a model nobody serves.
func errNoDeployment(model string) *providers.Error {
	return &providers.Error{
		Kind: providers.KindNotFound, Code: "model_not_found", Param: "model",
		Message: fmt.Sprintf("The model `%s` does not exist or is not served by this gateway", model),
	}
}
