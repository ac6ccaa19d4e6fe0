package metrics

import (
	"math"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sira-ai/caddy-ai-backends/catalog"
)

// ObserveRequest records one finished request: its count by status code,
// its duration, and its outcome in the provider's error-rate window. Call it
// once per client request, labelled with the provider and model that served
// it (or were tried last); status is the code the client got.
func ObserveRequest(l Labels, status int, dur time.Duration) {
	s := seriesFor(l)
	s.requests(status).Inc()
	s.duration.Observe(seconds(dur))
	s.provider.errors.record(failed(status))
}

// ObserveTTFT records a stream's time to its first content token.
func ObserveTTFT(l Labels, d time.Duration) {
	seriesFor(l).ttft.Observe(seconds(d))
}

// AddTokens counts a request's usage. prompt and completion are the totals
// (prompt = uncached + cached + cache-write input; completion = output +
// reasoning), so they match what providers bill and report; cached,
// cache_write and reasoning are the parts of them worth watching.
func AddTokens(l Labels, t catalog.Tokens) {
	s := seriesFor(l)
	input, cached, write := nonNeg(t.Input), nonNeg(t.CachedInput), nonNeg(t.CacheWrite)
	output, reasoning := nonNeg(t.Output), nonNeg(t.Reasoning)
	add(s.promptTokens, input+cached+write)
	add(s.completionTokens, output+reasoning)
	add(s.cachedTokens, cached)
	add(s.cacheWriteTokens, write)
	add(s.reasoningTokens, reasoning)
}

// AddCost adds a request's cost in USD (catalog.Cost). A value that is not
// a positive finite number is dropped: a counter must never go down.
func AddCost(l Labels, usd float64) {
	if usd <= 0 || math.IsInf(usd, 0) || math.IsNaN(usd) {
		return
	}
	seriesFor(l).cost.Add(usd)
}

// InflightAdd moves the provider's in-flight gauge: +1 when an upstream call
// starts, -1 when it ends (defer it).
func InflightAdd(provider string, delta int) {
	providerSeriesFor(provider).inflight.Add(float64(delta))
}

// IncRetry counts a repeated attempt on the same provider.
func IncRetry(provider string) {
	providerSeriesFor(provider).retries.Inc()
}

// IncFallback counts a move from one provider to the next candidate.
func IncFallback(from, to string) {
	pair(&fallbackCounters, fallbacksTotal, name(from), name(to)).Inc()
}

// IncRoutingDecision counts the provider a routing strategy chose.
func IncRoutingDecision(strategy, provider string) {
	pair(&routingCounters, routingDecisions, token(strategy), name(provider)).Inc()
}

// SetBreakerState mirrors a deployment's breaker: BreakerClosed,
// BreakerHalfOpen or BreakerOpen (see BreakerValue). This gauge is reset by
// ResetConfigGauges, so its children are not cached.
func SetBreakerState(provider, deployment string, state int) {
	breakerState.WithLabelValues(name(provider), name(deployment)).Set(float64(state))
}

// IncCache counts a response-cache lookup: CacheHit, CacheMiss, CacheBypass
// or CacheStale; anything else is counted as Other.
func IncCache(result string) {
	single(&cacheCounters, cacheRequests, oneOf(result, CacheHit, CacheMiss, CacheBypass, CacheStale)).Inc()
}

// IncError counts a failed request by type: a providers.Kind string or a
// guard denial type.
func IncError(kind string) {
	single(&errorCounters, errorsTotal, token(kind)).Inc()
}

// IncSecurityEvent counts one of the Event* values; anything else is
// counted as Other.
func IncSecurityEvent(event string) {
	single(&securityCounters, securityEvents, oneOf(event, securityEventNames...)).Inc()
}

// IncKeyRequest counts an upstream call made with the key whose
// providers.KeyFingerprint is fingerprint. Anything that is not a
// fingerprint is counted as "invalid", so a key can never become a label.
func IncKeyRequest(provider, keyFingerprint string) {
	pair(&keyCounters, keyRequests, name(provider), fingerprint(keyFingerprint)).Inc()
}

// SetKeyDaysLeft records how long an upstream key has until its not_after.
func SetKeyDaysLeft(provider, keyFingerprint string, days float64) {
	keyDaysLeft.WithLabelValues(name(provider), fingerprint(keyFingerprint)).Set(days)
}

// IncDegraded counts a request served in a degraded mode.
func IncDegraded(mode string) {
	single(&degradedCounters, degradedTotal, token(mode)).Inc()
}

// Caches of the children of the counters not keyed by Labels, by cleaned
// label values.
var (
	fallbackCounters, routingCounters, keyCounters                   cowMap[[2]string, prometheus.Counter]
	cacheCounters, errorCounters, securityCounters, degradedCounters cowMap[string, prometheus.Counter]
)

// single returns vec's child for one already-cleaned label value.
func single(cache *cowMap[string, prometheus.Counter], vec *prometheus.CounterVec, v string) prometheus.Counter {
	return cache.get(v, func() prometheus.Counter { return vec.WithLabelValues(v) })
}

// pair returns vec's child for two already-cleaned label values.
func pair(cache *cowMap[[2]string, prometheus.Counter], vec *prometheus.CounterVec, a, b string) prometheus.Counter {
	return cache.get([2]string{a, b}, func() prometheus.Counter { return vec.WithLabelValues(a, b) })
}

func add(c prometheus.Counter, n int) {
	if n > 0 {
		c.Add(float64(n))
	}
}

func nonNeg(n int) int {
	return max(n, 0)
}

func seconds(d time.Duration) float64 {
	return max(d, 0).Seconds()
}
