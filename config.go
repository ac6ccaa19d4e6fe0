package aibackends

import (
	"encoding/json"
	"time"

	"github.com/caddyserver/caddy/v2"
)

// RoutingConfig chooses how a request's deployments are ordered.
type RoutingConfig struct {
	// Strategy: default, cost, performance, capability, reliability,
	// geographic, load_balance or intelligent. Default: default.
	Strategy string `json:"strategy,omitempty"`
	// RouterRaw is a custom strategy module (namespace
	// http.ai_backends.routers); it replaces Strategy.
	RouterRaw json.RawMessage `json:"router,omitempty" caddy:"namespace=http.ai_backends.routers inline_key=name"`
	// CacheTTL keeps a decision per request shape. Default: 0 (no cache).
	CacheTTL caddy.Duration `json:"cache_ttl,omitempty"`
	// Fallback providers tried, in order, after every routed candidate failed.
	Fallback []string `json:"fallback,omitempty"`
	// Weights of the intelligent strategy's score.
	Weights *RoutingWeights `json:"weights,omitempty"`
	// Regions in order of preference for geographic routing.
	Regions []string `json:"regions,omitempty"`
	// RegionHeader is the request header naming the client's region.
	// Default: X-AI-Region.
	RegionHeader string `json:"region_header,omitempty"`
	// AllowOverride lets a request choose its strategy (X-AI-Strategy) or
	// its provider order (X-AI-Fallback: a, b) through headers.
	AllowOverride bool `json:"allow_override,omitempty"`
	// ExpectedOutputTokens estimates output length for cost routing when
	// the request sets no limit. Default: 256.
	ExpectedOutputTokens int `json:"expected_output_tokens,omitempty"`
}

// RoutingWeights weigh the intelligent strategy's score.
type RoutingWeights struct {
	Cost        float64 `json:"cost"`
	Latency     float64 `json:"latency"`
	Reliability float64 `json:"reliability"`
}

// BalancingConfig spreads load among equivalent deployments and keys.
type BalancingConfig struct {
	// Policy: round_robin, weighted_round_robin, least_connections,
	// p2c_ewma or random. Default: weighted_round_robin.
	Policy string `json:"policy,omitempty"`
	// HealthCheckInterval between active health checks; 0 disables them.
	HealthCheckInterval caddy.Duration `json:"health_check_interval,omitempty"`
	// HealthCheckTimeout for one check. Default: 10s.
	HealthCheckTimeout caddy.Duration `json:"health_check_timeout,omitempty"`
	// HealthCheckModel is asked "ping" with max_tokens 1 when a deployment
	// has no cheaper check; default: each deployment's own model.
	HealthCheckModel string `json:"health_check_model,omitempty"`
}

// BreakerConfig configures the circuit breaker of every deployment.
type BreakerConfig struct {
	// FailureThreshold opens the breaker after this many consecutive
	// failures. Default: 5.
	FailureThreshold int `json:"failure_threshold,omitempty"`
	// FailureRatio opens it when this share of the window's requests failed
	// (at least MinRequests of them). 0 disables the ratio rule.
	FailureRatio float64 `json:"failure_ratio,omitempty"`
	// MinRequests in the window before FailureRatio applies. Default: 10.
	MinRequests int `json:"min_requests,omitempty"`
	// Window over which FailureRatio is counted. Default: 60s.
	Window caddy.Duration `json:"window,omitempty"`
	// RecoveryTimeout is how long an open breaker waits before letting
	// probes through (half-open). Default: 60s.
	RecoveryTimeout caddy.Duration `json:"recovery_timeout,omitempty"`
	// SuccessThreshold closes a half-open breaker after this many
	// successful probes. Default: 3.
	SuccessThreshold int `json:"success_threshold,omitempty"`
	// HalfOpenProbes is how many probes may run at once while half-open.
	// Default: 1.
	HalfOpenProbes int `json:"half_open_probes,omitempty"`
}

// RetryConfig bounds retries and the whole request.
type RetryConfig struct {
	// BaseBackoff is the first backoff; it doubles per retry with full
	// jitter. Default: 250ms.
	BaseBackoff caddy.Duration `json:"base_backoff,omitempty"`
	// MaxBackoff caps one wait, including the upstream's Retry-After.
	// Default: 10s.
	MaxBackoff caddy.Duration `json:"max_backoff,omitempty"`
	// Deadline for the whole request across all attempts. Default: 5m.
	Deadline caddy.Duration `json:"deadline,omitempty"`
}

const (
	defaultMaxBody      = 10 << 20
	defaultBaseBackoff  = 250 * time.Millisecond
	defaultMaxBackoff   = 10 * time.Second
	defaultDeadline     = 5 * time.Minute
	defaultRegionHeader = "X-AI-Region"
)
