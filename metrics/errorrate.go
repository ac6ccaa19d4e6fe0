package metrics

import "github.com/prometheus/client_golang/prometheus"

// errorRateCollector exports ai_error_rate{provider}: the failing share of
// the provider's requests over the last minute. It reads the windows at
// scrape time instead of setting a gauge on each request, so the value
// decays to 0 once failures stop even if traffic stops too, and the hot
// path only counts.
type errorRateCollector struct {
	desc *prometheus.Desc
}

func newErrorRateCollector() *errorRateCollector {
	return &errorRateCollector{desc: prometheus.NewDesc(nameErrorRate,
		"Share of a provider's requests that failed over the last 60 s (0 to 1).",
		[]string{"provider"}, nil)}
}

// Describe sends the one descriptor.
func (c *errorRateCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

// Collect sends one gauge per provider seen since start.
func (c *errorRateCollector) Collect(ch chan<- prometheus.Metric) {
	providerCache.each(func(provider string, s *providerSeries) {
		m, err := prometheus.NewConstMetric(c.desc, prometheus.GaugeValue, s.errors.rate(), provider)
		if err == nil {
			ch <- m
		}
	})
}

// Interface guard.
var _ prometheus.Collector = (*errorRateCollector)(nil)
