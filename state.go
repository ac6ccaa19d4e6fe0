package aibackends

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/caddyserver/caddy/v2"

	"github.com/sira-ai/caddy-ai-backends/balance"
	"github.com/sira-ai/caddy-ai-backends/breaker"
)

// states holds everything that must outlive a config reload: breakers,
// statistics, balancer positions and key health. It is reference-counted;
// during a reload the count goes 1 → 2 → 1, so the state survives, and a
// removed deployment's state is released with the last config using it.
var states = caddy.NewUsagePool()

// deploymentState is the live state of one deployment.
type deploymentState struct {
	id       string // "provider/model", for the admin API
	provider string
	model    string // the public model name ("*" for no model in particular)
	brk      *breaker.Breaker
	endpoint *balance.Endpoint
	stats    outcomeStats
	// unhealthy is set by active health checks; passive health is the breaker.
	unhealthy atomic.Bool
}

func (*deploymentState) Destruct() error { return nil }

// keyState is the live state of one upstream API key.
type keyState struct {
	provider    string
	fingerprint string
	endpoint    *balance.Endpoint
	health      keyHealth // resting after a 401 from the upstream
	requests    atomic.Int64
	errors      atomic.Int64
	lastUse     atomic.Int64 // unix nanoseconds
	cooldown    atomic.Int64 // unix nanoseconds until which a 429 rests the key
}

func (*keyState) Destruct() error { return nil }

// policyState keeps a balancer's position across reloads.
type policyState struct{ policy balance.Policy }

func (*policyState) Destruct() error { return nil }

// acquirer records the pool keys one Handler holds, so Cleanup releases
// exactly what Provision took (an extra Delete would panic the pool).
// Caddy calls Provision and Cleanup of one instance sequentially.
type acquirer struct {
	keys []string
}

func (a *acquirer) load(key string, create func() (caddy.Destructor, error)) (any, error) {
	v, _, err := states.LoadOrNew(key, create)
	if err != nil {
		return nil, err
	}
	a.keys = append(a.keys, key)
	return v, nil
}

func (a *acquirer) releaseAll() {
	keys := a.keys
	a.keys = nil
	for _, k := range keys {
		_, _ = states.Delete(k)
	}
}

// outcomeStats are the statistics routing learns from: success ratio and
// latency as exponentially weighted moving averages, plus plain counters for
// the status API.
type outcomeStats struct {
	mu        sync.Mutex
	requests  int64
	failures  int64
	success   float64 // EWMA of 1 (success) / 0 (failure)
	latency   float64 // EWMA, seconds
	ttft      float64 // EWMA, seconds (streams)
	samples   int64
	lastError string
	lastAt    time.Time
}

const statsAlpha = 0.1

func ewma(old, v float64, first bool) float64 {
	if first {
		return v
	}
	return old + statsAlpha*(v-old)
}

func (s *outcomeStats) record(ok bool, latency, ttft time.Duration, errKind string, now time.Time) {
	s.mu.Lock()
	first := s.samples == 0
	s.requests++
	v := 1.0
	if !ok {
		v = 0
		s.failures++
		s.lastError = errKind
	}
	s.success = ewma(s.success, v, first)
	if ok {
		s.latency = ewma(s.latency, latency.Seconds(), s.latency == 0)
		if ttft > 0 {
			s.ttft = ewma(s.ttft, ttft.Seconds(), s.ttft == 0)
		}
	}
	s.samples++
	s.lastAt = now
	s.mu.Unlock()
}

// statsView is a consistent copy of outcomeStats.
type statsView struct {
	Requests    int64   `json:"requests"`
	Failures    int64   `json:"failures"`
	SuccessRate float64 `json:"success_rate"`
	LatencyMS   float64 `json:"latency_ewma_ms"`
	TTFTMS      float64 `json:"ttft_ewma_ms"`
	LastError   string  `json:"last_error,omitempty"`
	samples     int64
}

func (s *outcomeStats) view() statsView {
	s.mu.Lock()
	defer s.mu.Unlock()
	rate := s.success
	if s.samples == 0 {
		rate = 1
	}
	return statsView{
		Requests: s.requests, Failures: s.failures, SuccessRate: rate,
		LatencyMS: s.latency * 1000, TTFTMS: s.ttft * 1000, LastError: s.lastError,
		samples: s.samples,
	}
}
