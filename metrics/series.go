package metrics

import (
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

// Labels name the series of one request. Model must already be normalised
// by the caller to a configured model name or Other; an empty field reads
// as None.
type Labels struct{ Provider, Model string }

// currencyUSD is the only currency of the price table.
const currencyUSD = "USD"

// modelSeries are the resolved children of every per-(provider, model)
// metric, so the hot path increments them without a label lookup. They stay
// valid because these vectors are never reset or pruned.
type modelSeries struct {
	labels   Labels // cleaned
	provider *providerSeries
	duration prometheus.Observer
	ttft     prometheus.Observer
	cost     prometheus.Counter

	promptTokens, completionTokens, cachedTokens prometheus.Counter
	reasoningTokens, cacheWriteTokens            prometheus.Counter

	// statuses is a copy-on-write list: a request scans a handful of
	// entries without locking; a new status code copies it under statusMu.
	statuses atomic.Pointer[[]statusSeries]
	statusMu sync.Mutex
}

type statusSeries struct {
	code    int
	counter prometheus.Counter
}

// providerSeries are the per-provider children and the provider's error
// window.
type providerSeries struct {
	inflight prometheus.Gauge
	retries  prometheus.Counter
	errors   *slidingWindow
}

var (
	modelCache    cowMap[Labels, *modelSeries]
	providerCache cowMap[string, *providerSeries]
)

// seriesFor returns the cached series of l.
func seriesFor(l Labels) *modelSeries {
	return modelCache.get(l, func() *modelSeries { return newModelSeries(l) })
}

func newModelSeries(raw Labels) *modelSeries {
	l := Labels{Provider: name(raw.Provider), Model: name(raw.Model)}
	tokens := func(kind string) prometheus.Counter {
		return tokensTotal.WithLabelValues(l.Provider, l.Model, kind)
	}
	return &modelSeries{
		labels:           l,
		provider:         providerSeriesFor(l.Provider),
		duration:         requestDuration.WithLabelValues(l.Provider, l.Model),
		ttft:             timeToFirstToken.WithLabelValues(l.Provider, l.Model),
		cost:             costTotal.WithLabelValues(l.Provider, l.Model, currencyUSD),
		promptTokens:     tokens("prompt"),
		completionTokens: tokens("completion"),
		cachedTokens:     tokens("cached"),
		reasoningTokens:  tokens("reasoning"),
		cacheWriteTokens: tokens("cache_write"),
	}
}

// providerSeriesFor returns the cached series of a provider. The cache is
// keyed by the cleaned name so that one label value has one error window.
func providerSeriesFor(provider string) *providerSeries {
	p := name(provider)
	return providerCache.get(p, func() *providerSeries {
		return &providerSeries{
			inflight: upstreamInflight.WithLabelValues(p),
			retries:  retriesTotal.WithLabelValues(p),
			errors:   newSlidingWindow(errorWindowSpan, errorWindowBucket, nil),
		}
	})
}

// requests returns the request counter for a status code.
func (s *modelSeries) requests(status int) prometheus.Counter {
	if status < 100 || status > 599 {
		status = 0
	}
	if list := s.statuses.Load(); list != nil {
		for _, e := range *list {
			if e.code == status {
				return e.counter
			}
		}
	}
	s.statusMu.Lock()
	defer s.statusMu.Unlock()
	var old []statusSeries
	if list := s.statuses.Load(); list != nil {
		old = *list
	}
	for _, e := range old {
		if e.code == status {
			return e.counter
		}
	}
	c := requestsTotal.WithLabelValues(s.labels.Provider, s.labels.Model, statusLabel(status))
	next := append(append(make([]statusSeries, 0, len(old)+1), old...), statusSeries{status, c})
	s.statuses.Store(&next)
	return c
}
