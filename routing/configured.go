package routing

// configuredStrategy keeps the configured order: the three strategies
// below differ only in whether they leave out the candidates that cannot
// serve the request, in their reasoning, and in what the handler does with
// the result.
type configuredStrategy struct {
	name    string
	filter  bool
	explain func(r *ranking, cands []Candidate, n *notes) (confidence float64)
}

func (s *configuredStrategy) Name() string { return s.name }

func (s *configuredStrategy) Route(req *Request, cands []Candidate) Decision {
	return route(s.name, req, cands, s.filter, nil, s.explain)
}

// defaultStrategy tries the deployments in the configured order. It is the
// one strategy that does not apply the capability filter: it is what you
// get when you ask the gateway not to be clever.
var defaultStrategy = &configuredStrategy{name: StrategyDefault, filter: false,
	explain: func(r *ranking, cands []Candidate, n *notes) float64 {
		if len(r.slots) > 0 {
			n.add("default: configured order, ").add(cands[r.slots[0].idx].ID).add(" first of ").int(len(r.slots)).end()
		}
		return 0.5
	},
}

// capabilityStrategy keeps the deployments that can serve the request
// (vision, tools, JSON mode, streaming, context window, output limit), in
// configured order.
var capabilityStrategy = &configuredStrategy{name: StrategyCapability, filter: true,
	explain: func(r *ranking, cands []Candidate, n *notes) float64 {
		n.add("capability: ").int(len(r.slots)).add(" of ").int(len(cands)).add(" deployments can serve (needs ")
		noteNeeds(n, r.req)
		n.add(")").end()
		// Confident when the filter made a real choice; when every
		// deployment could serve a plain request, the configured order
		// decided.
		if len(r.excluded) > 0 || special(r.req) {
			return 0.95
		}
		return 0.7
	},
}

// loadBalanceStrategy keeps the capable deployments in configured order,
// unhealthy last, and leaves the choice among them to the handler's
// balancer: Decision.Strategy "load_balance" says so.
var loadBalanceStrategy = &configuredStrategy{name: StrategyLoadBalance, filter: true,
	explain: func(r *ranking, _ []Candidate, n *notes) float64 {
		n.add("load_balance: ").int(r.healthy()).add(" healthy of ").int(len(r.slots)).
			add(" capable deployments; the balancer picks").end()
		return 0.5
	},
}
