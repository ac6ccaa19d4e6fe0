package routing

// The three strategies that keep the configured order and differ in what
// they leave out and what the handler does with the result.

// defaultStrategy tries the deployments in the configured order. It is the
// one strategy that does not apply the capability filter: it is what you
// get when you ask the gateway not to be clever.
type defaultStrategy struct{}

func (defaultStrategy) Name() string { return StrategyDefault }

func (defaultStrategy) Route(req *Request, cands []Candidate) Decision {
	sc := getScratch()
	defer sc.put()
	req, r, n := sc.begin(req, cands, false)
	r.sort()
	if len(r.slots) > 0 {
		n.add("default: configured order, ").add(cands[r.slots[0].idx].ID).add(" first of ").int(len(r.slots)).end()
	}
	return r.finish(StrategyDefault, cands, 0.5, n)
}

// capabilityStrategy keeps the deployments that can serve the request
// (vision, tools, JSON mode, streaming, context window, output limit), in
// configured order.
type capabilityStrategy struct{}

func (capabilityStrategy) Name() string { return StrategyCapability }

func (capabilityStrategy) Route(req *Request, cands []Candidate) Decision {
	sc := getScratch()
	defer sc.put()
	req, r, n := sc.begin(req, cands, true)
	r.sort()
	n.add("capability: ").int(len(r.slots)).add(" of ").int(len(cands)).add(" deployments can serve (needs ")
	noteNeeds(n, req)
	n.add(")").end()
	// Confident when the filter made a real choice; when every deployment
	// could serve a plain request, the configured order decided.
	confidence := 0.7
	if len(r.excluded) > 0 || special(req) {
		confidence = 0.95
	}
	return r.finish(StrategyCapability, cands, confidence, n)
}

// loadBalanceStrategy keeps the capable deployments in configured order,
// unhealthy last, and leaves the choice among them to the handler's
// balancer: Decision.Strategy "load_balance" says so.
type loadBalanceStrategy struct{}

func (loadBalanceStrategy) Name() string { return StrategyLoadBalance }

func (loadBalanceStrategy) Route(req *Request, cands []Candidate) Decision {
	sc := getScratch()
	defer sc.put()
	req, r, n := sc.begin(req, cands, true)
	r.sort()
	n.add("load_balance: ").int(r.healthy()).add(" healthy of ").int(len(r.slots)).
		add(" capable deployments; the balancer picks").end()
	return r.finish(StrategyLoadBalance, cands, 0.5, n)
}
