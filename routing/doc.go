// Package routing decides in which order a request's candidate deployments
// are tried, and says why.
//
// A Strategy gets the request's shape (model, token estimates, whether it
// needs vision, tools, JSON mode or streaming, a preferred region) and the
// candidates with their capabilities, prices and live statistics, and
// returns a Decision: candidate indexes best first, the strategy's
// confidence, and short reasoning lines with the numbers behind the choice.
//
// The rules shared by the built-in strategies:
//
//   - Candidates that cannot serve the request (see Capable) are left out,
//     except by the default strategy, which keeps the configured order as
//     it is and lets the upstream say no.
//   - Unhealthy candidates are never dropped, only moved to the end, so
//     that the handler's fallback still has somewhere to go when every
//     deployment looks down.
//   - Ties keep the configured order, so decisions are deterministic.
//
// Decisions can be cached per request shape (Cache, ShapeKey); a change of
// the caller's health generation invalidates them.
//
// The package is plain Go with no I/O and, apart from module.go, no Caddy
// dependency. Route allocates only the Decision it returns.
package routing
