// Package metrics exports the gateway's Prometheus metrics through Caddy's
// per-config registry.
//
// The collectors are package-level so that their values survive config
// reloads: every Provision registers the same collectors into the new
// registry (Register). Label values come only from configured names, bounded
// enumerations and status codes — never a key, user, IP or prompt. The
// handler uses the typed functions in observe.go rather than the vectors, so
// label names and value hygiene live in one place.
package metrics

import "github.com/prometheus/client_golang/prometheus"

// Metric names, as the product design and issue 5 list them.
const (
	nameRequests       = "ai_requests_total"
	nameDuration       = "ai_request_duration_seconds"
	nameErrorRate      = "ai_error_rate"
	nameCost           = "ai_cost_total"
	nameTokens         = "ai_tokens_total"
	nameTTFT           = "ai_time_to_first_token_seconds"
	nameInflight       = "ai_upstream_inflight"
	nameRetries        = "ai_retries_total"
	nameFallbacks      = "ai_fallbacks_total"
	nameRouting        = "ai_routing_decisions_total"
	nameBreakerState   = "ai_circuit_breaker_state"
	nameCacheRequests  = "ai_cache_requests_total"
	nameErrors         = "ai_errors_total"
	nameSecurityEvents = "ai_security_events_total"
	nameKeyRequests    = "ai_upstream_key_requests_total"
	nameDegraded       = "ai_degraded_total"
	nameKeyDaysLeft    = "ai_upstream_key_days_left"
)

// durationBuckets fit LLM calls: from a cached or tiny completion (50 ms)
// to a long reasoning run (120 s).
var durationBuckets = []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120}

// ttftBuckets span a fast streaming start (10 ms) to a reasoning model that
// thinks before its first visible token (30 s).
var ttftBuckets = []float64{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30}

var (
	requestsTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: nameRequests,
		Help: "AI requests by provider, model and HTTP status code returned to the client.",
	}, []string{"provider", "model", "status"})

	requestDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    nameDuration,
		Help:    "Time from receiving an AI request to its last byte, by provider and model.",
		Buckets: durationBuckets,
	}, []string{"provider", "model"})

	costTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: nameCost,
		Help: "Cost of AI requests from the provider's reported usage and the price table.",
	}, []string{"provider", "model", "currency"})

	tokensTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: nameTokens,
		Help: "Tokens by type: prompt and completion totals, and the cached, reasoning and cache_write parts of them.",
	}, []string{"provider", "model", "type"})

	timeToFirstToken = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    nameTTFT,
		Help:    "Time from receiving a streaming request to its first content token, by provider and model.",
		Buckets: ttftBuckets,
	}, []string{"provider", "model"})

	upstreamInflight = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: nameInflight,
		Help: "Upstream calls in progress, by provider.",
	}, []string{"provider"})

	retriesTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: nameRetries,
		Help: "Upstream attempts repeated on the same provider after a retryable failure.",
	}, []string{"provider"})

	fallbacksTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: nameFallbacks,
		Help: "Requests moved from one provider to the next candidate.",
	}, []string{"from", "to"})

	routingDecisions = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: nameRouting,
		Help: "Routing decisions by strategy and chosen provider.",
	}, []string{"strategy", "provider"})

	breakerState = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: nameBreakerState,
		Help: "Circuit breaker state per deployment: 0 closed, 1 half-open, 2 open.",
	}, []string{"provider", "deployment"})

	cacheRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: nameCacheRequests,
		Help: "Response cache lookups by result: hit, miss, bypass, stale.",
	}, []string{"result"})

	errorsTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: nameErrors,
		Help: "Failed requests by error type (classified upstream failure or guard denial).",
	}, []string{"type"})

	securityEvents = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: nameSecurityEvents,
		Help: "Security events: redacted, blocked, anomaly_blocked, key_disabled.",
	}, []string{"event"})

	keyRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: nameKeyRequests,
		Help: "Upstream calls per provider API key, identified by its fingerprint only.",
	}, []string{"provider", "key"})

	degradedTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: nameDegraded,
		Help: "Requests served in a degraded mode, by mode.",
	}, []string{"mode"})

	keyDaysLeft = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: nameKeyDaysLeft,
		Help: "Days until an upstream API key's not_after, by key fingerprint.",
	}, []string{"provider", "key"})

	// errorRate is computed at scrape time from per-provider sliding windows
	// (errorrate.go), so it decays when a provider stops failing.
	errorRate = newErrorRateCollector()
)

// all lists every collector, in the order of the names above.
var all = []prometheus.Collector{
	requestsTotal, requestDuration, errorRate, costTotal, tokensTotal,
	timeToFirstToken, upstreamInflight, retriesTotal, fallbacksTotal,
	routingDecisions, breakerState, cacheRequests, errorsTotal,
	securityEvents, keyRequests, degradedTotal, keyDaysLeft,
}

// names lists every exported metric name, for dashboards and tests.
var names = []string{
	nameRequests, nameDuration, nameErrorRate, nameCost, nameTokens,
	nameTTFT, nameInflight, nameRetries, nameFallbacks,
	nameRouting, nameBreakerState, nameCacheRequests, nameErrors,
	nameSecurityEvents, nameKeyRequests, nameDegraded, nameKeyDaysLeft,
}
