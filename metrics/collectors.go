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
	requestsTotal = newCounter(nameRequests,
		"AI requests by provider, model and HTTP status code returned to the client.",
		"provider", "model", "status")

	requestDuration = newHistogram(nameDuration,
		"Time from receiving an AI request to its last byte, by provider and model.",
		durationBuckets, "provider", "model")

	// errorRate is computed at scrape time from per-provider sliding windows
	// (errorrate.go), so it decays when a provider stops failing.
	errorRate = export(nameErrorRate, newErrorRateCollector())

	costTotal = newCounter(nameCost,
		"Cost of AI requests from the provider's reported usage and the price table.",
		"provider", "model", "currency")

	tokensTotal = newCounter(nameTokens,
		"Tokens by type: prompt and completion totals, and the cached, reasoning and cache_write parts of them.",
		"provider", "model", "type")

	timeToFirstToken = newHistogram(nameTTFT,
		"Time from receiving a streaming request to its first content token, by provider and model.",
		ttftBuckets, "provider", "model")

	upstreamInflight = newGauge(nameInflight,
		"Upstream calls in progress, by provider.",
		"provider")

	retriesTotal = newCounter(nameRetries,
		"Upstream attempts repeated on the same provider after a retryable failure.",
		"provider")

	fallbacksTotal = newCounter(nameFallbacks,
		"Requests moved from one provider to the next candidate.",
		"from", "to")

	routingDecisions = newCounter(nameRouting,
		"Routing decisions by strategy and chosen provider.",
		"strategy", "provider")

	breakerState = newGauge(nameBreakerState,
		"Circuit breaker state per deployment: 0 closed, 1 half-open, 2 open.",
		"provider", "deployment")

	cacheRequests = newCounter(nameCacheRequests,
		"Response cache lookups by result: hit, miss, bypass, stale.",
		"result")

	errorsTotal = newCounter(nameErrors,
		"Failed requests by error type (classified upstream failure or guard denial).",
		"type")

	securityEvents = newCounter(nameSecurityEvents,
		"Security events: redacted, blocked, anomaly_blocked, key_disabled.",
		"event")

	keyRequests = newCounter(nameKeyRequests,
		"Upstream calls per provider API key, identified by its fingerprint only.",
		"provider", "key")

	degradedTotal = newCounter(nameDegraded,
		"Requests served in a degraded mode, by mode.",
		"mode")

	keyDaysLeft = newGauge(nameKeyDaysLeft,
		"Days until an upstream API key's not_after, by key fingerprint.",
		"provider", "key")
)
