package metrics

import (
	"strconv"
	"unicode/utf8"
)

// Label values this package substitutes for input it will not export.
const (
	// Other stands for a value outside the known set: an unknown model (the
	// caller normalises it), cache result or security event.
	Other = "other"
	// None is the provider or model label of a request that never reached one.
	None = "none"
	// invalidKey replaces a key label that is not a fingerprint, so a raw
	// key passed by mistake never reaches /metrics.
	invalidKey = "invalid"
)

// Cache results for IncCache.
const (
	CacheHit    = "hit"
	CacheMiss   = "miss"
	CacheBypass = "bypass"
	CacheStale  = "stale"
)

// Security events for IncSecurityEvent. The values are a stable interface
// (dashboards and alerts match them); the README lists them.
const (
	EventRedacted         = "redacted"          // sensitive data replaced in a prompt
	EventBlocked          = "blocked"           // a prompt refused for sensitive data
	EventResponseRedacted = "response_redacted" // a secret removed from a model's answer
	EventAnomalyBlocked   = "anomaly_blocked"   // a client key starts an anomaly block
	EventKeyDisabled      = "key_disabled"      // an upstream key taken out of use

	// Requests the client-key guard refused, one value per reason.
	EventDeniedInvalidKey  = "denied_invalid_key"              // 401: no or unknown client key
	EventDeniedModel       = "denied_model"                    // 403: model not on the key's allow-list
	EventDeniedRateLimit   = "denied_rate_limit"               // 429: requests or tokens per minute
	EventDeniedBudget      = "denied_budget"                   // 429: the key's budget is spent
	EventDeniedTooLarge    = "denied_request_too_large"        // 413: more tokens than a minute allows
	EventDeniedAnomaly     = "denied_anomaly"                  // 429: the key is in an anomaly block
	EventDeniedSharedState = "denied_shared_state_unavailable" // 503: Redis down with fail_closed
)

// securityEventNames is every value IncSecurityEvent exports as itself.
var securityEventNames = []string{
	EventRedacted, EventBlocked, EventResponseRedacted, EventAnomalyBlocked, EventKeyDisabled,
	EventDeniedInvalidKey, EventDeniedModel, EventDeniedRateLimit, EventDeniedBudget,
	EventDeniedTooLarge, EventDeniedAnomaly, EventDeniedSharedState,
}

// Breaker gauge values for SetBreakerState. They order the states by
// severity for dashboards, which is not breaker.State's numbering: convert
// with BreakerValue(state.String()).
const (
	BreakerClosed   = 0
	BreakerHalfOpen = 1
	BreakerOpen     = 2
)

// BreakerValue maps a breaker state name ("closed", "half_open", "open") to
// its gauge value; an unknown name reads as open, the state that needs an
// operator's eye.
func BreakerValue(state string) int {
	switch state {
	case "closed":
		return BreakerClosed
	case "half_open", "half-open":
		return BreakerHalfOpen
	}
	return BreakerOpen
}

// maxLabelLen bounds a label value; configured names are far shorter.
const maxLabelLen = 128

// name cleans a configured name (provider, model, deployment): empty means
// the request never got that far; invalid UTF-8 or an absurd length, which
// a configured name never has, becomes Other rather than a panic in the
// Prometheus client.
func name(s string) string {
	switch {
	case s == "":
		return None
	case len(s) > maxLabelLen || !utf8.ValidString(s):
		return Other
	}
	return s
}

// token cleans a value that should be an identifier from a fixed set in
// code (error kind, strategy, degraded mode): lower-case letters, digits,
// '_', '-' and '.', at most 64 bytes. Anything else becomes Other.
func token(s string) string {
	if s == "" || len(s) > 64 {
		return Other
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return Other
		}
	}
	return s
}

// oneOf returns s if it is in the allowed set, else Other.
func oneOf(s string, allowed ...string) string {
	for _, a := range allowed {
		if s == a {
			return s
		}
	}
	return Other
}

// fingerprint accepts only what providers.KeyFingerprint produces, "kfp_"
// and 16 lower-case hex digits, so a secret can never become a label.
func fingerprint(s string) string {
	const prefix, hexLen = "kfp_", 16
	if len(s) != len(prefix)+hexLen || s[:len(prefix)] != prefix {
		return invalidKey
	}
	for i := len(prefix); i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return invalidKey
		}
	}
	return s
}

// statusLabel is the status code as a string; anything outside 100–599
// (0 = no response was written) is "0".
func statusLabel(status int) string {
	if status < 100 || status > 599 {
		return "0"
	}
	return strconv.Itoa(status)
}

// failed tells whether a status counts against the provider's error rate:
// no response, 5xx, and the statuses an upstream problem turns into (401 and
// 403 from a rejected provider key, 408 timeout, 429 rate limit or quota).
// Client mistakes (400, 404, 413, 422) and cancellations (499) do not.
func failed(status int) bool {
	switch {
	case status < 100 || status >= 500:
		return true
	case status == 401, status == 403, status == 408, status == 429:
		return true
	}
	return false
}
