// Package balance chooses one backend among equivalent ones.
//
// The caller keeps an Endpoint per backend (for example per deployment of a
// model, or per API key of one provider), tells it when requests start and
// end and how long they took, and asks a Policy to pick among the endpoints
// that are currently available. Endpoints are long-lived and outlast
// configuration reloads, so that in-flight counts, latency estimates and
// weighted round-robin positions are not lost when the policy is rebuilt.
//
// The package knows nothing about HTTP or the backends themselves, and
// every Pick is allocation-free so it can run on each request.
package balance
