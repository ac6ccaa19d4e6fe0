package metrics

import (
	"errors"
	"slices"

	"github.com/prometheus/client_golang/prometheus"
)

// all and names grow together: every collector is built through export (or
// a constructor below that calls it), so a metric cannot exist without being
// registered and listed.
var (
	all   []prometheus.Collector
	names []string
)

// export lists c under name for Register and Names, and returns it.
func export[C prometheus.Collector](name string, c C) C {
	all = append(all, c)
	names = append(names, name)
	return c
}

func newCounter(name, help string, labels ...string) *prometheus.CounterVec {
	return export(name, prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels))
}

func newGauge(name, help string, labels ...string) *prometheus.GaugeVec {
	return export(name, prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, labels))
}

func newHistogram(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
	return export(name, prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets}, labels))
}

// Register adds every collector to reg, the registry Caddy gives the
// current config (ctx.GetMetricsRegistry()). Call it in each Provision: a
// reload brings a fresh registry, and registering the same package-level
// collectors there carries their values over. AlreadyRegisteredError is
// expected when several handlers share one config, and is not an error.
func Register(reg prometheus.Registerer) error {
	for _, c := range all {
		var dup prometheus.AlreadyRegisteredError
		if err := reg.Register(c); err != nil && !errors.As(err, &dup) {
			return err
		}
	}
	return nil
}

// ResetConfigGauges clears gauges that mirror the configuration (breaker
// states), so deployments removed by a reload disappear from /metrics. Call
// it in Provision before setting the current states. Counters, histograms
// and the in-flight gauge are never reset: they describe traffic, not config.
func ResetConfigGauges() {
	breakerState.Reset()
	keyDaysLeft.Reset()
}

// Names returns every metric name this package exports.
func Names() []string {
	return slices.Clone(names)
}
