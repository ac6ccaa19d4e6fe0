package routing

import "github.com/caddyserver/caddy/v2"

// Namespace is the Caddy module namespace of custom routing strategies:
// a module with ID "http.ai_backends.routers.<name>" that
// implements RouterModule can be configured in place of a built-in
// strategy.
const Namespace = "http.ai_backends.routers"

// RouterModule is a custom routing strategy packaged as a Caddy module.
//
// The handler loads it like any guest module (Provision and Validate run
// if implemented) and calls Route on every request, concurrently, so
// Route must be safe for concurrent use and quick. Helpers for writing
// one: Capable (the capability filter), EstimateCost, Reliability,
// RegionDistance, and NewDecision to assemble the result. Name should
// return the module's name, which the handler reports as the decision's
// strategy.
type RouterModule interface {
	caddy.Module
	Strategy
}
