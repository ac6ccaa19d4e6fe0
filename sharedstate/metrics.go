package sharedstate

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// Operation names: the op label of ai_shared_state_errors_total.
const (
	opAllow          = "allow"
	opAdjust         = "adjust"
	opAddSpend       = "add_spend"
	opSpent          = "spent"
	opReserve        = "reserve"
	opRelease        = "release"
	opCacheGet       = "cache_get"
	opCacheSet       = "cache_set"
	opSetCooldown    = "set_cooldown"
	opCooldown       = "cooldown"
	opCooldowns      = "cooldowns"
	opPublishBreaker = "publish_breaker"
	opBreakers       = "breakers"
	opPing           = "ping"
	opFlushSpend     = "flush_spend"
)

// liveStores are the stores between New and Close; the up gauge reads
// them, so that it always agrees with Healthy.
var liveStores sync.Map // *Store -> struct{}

var (
	errorsTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "ai_shared_state_errors_total",
		Help: "Shared-state (Redis) operations that failed or were skipped because Redis was unavailable, by operation.",
	}, []string{"op"})

	upGauge = prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "ai_shared_state_up",
		Help: "1 when every open shared-state store reaches Redis, 0 when one does not (or none is open).",
	}, sharedStateUp)
)

// sharedStateUp is 1 when at least one store is open and all are healthy.
func sharedStateUp() float64 {
	open, healthy := 0, 0
	liveStores.Range(func(k, _ any) bool {
		open++
		if k.(*Store).Healthy() {
			healthy++
		}
		return true
	})
	if open > 0 && open == healthy {
		return 1
	}
	return 0
}

// Collectors returns the package's metrics for the caller to register
// (once per process): ai_shared_state_up and ai_shared_state_errors_total.
func Collectors() []prometheus.Collector {
	return []prometheus.Collector{upGauge, errorsTotal}
}
