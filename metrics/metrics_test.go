package metrics

import (
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/sira-ai/caddy-ai-backends/catalog"
)

// The collectors are package-level, so each test uses its own provider and
// model names and reads only its own series.

func TestRegisterTwiceKeepsValues(t *testing.T) {
	l := Labels{Provider: "reg-p", Model: "reg-m"}
	first := prometheus.NewPedanticRegistry()
	if err := Register(first); err != nil {
		t.Fatalf("first Register: %v", err)
	}
	// Several handlers in one config register into the same registry.
	if err := Register(first); err != nil {
		t.Fatalf("second Register into the same registry: %v", err)
	}
	ObserveRequest(l, 200, time.Second)
	ObserveRequest(l, 200, time.Second)

	// A reload brings a fresh registry; the values carry over.
	second := prometheus.NewPedanticRegistry()
	if err := Register(second); err != nil {
		t.Fatalf("Register into a new registry: %v", err)
	}
	ObserveRequest(l, 200, time.Second)
	for i, reg := range []*prometheus.Registry{first, second} {
		mfs, err := reg.Gather()
		if err != nil || !slices.ContainsFunc(mfs, func(mf *dto.MetricFamily) bool { return mf.GetName() == nameRequests }) {
			t.Fatalf("registry %d: Gather = %d families, %v", i, len(mfs), err)
		}
	}
	if got := value(t, requestsTotal.WithLabelValues("reg-p", "reg-m", "200")); got != 3 {
		t.Fatalf("requests = %v, want 3", got)
	}
}

// A foreign collector with one of our names must surface as an error.
func TestRegisterReportsConflicts(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(prometheus.NewCounter(prometheus.CounterOpts{Name: nameRetries, Help: "x"}))
	if err := Register(reg); err == nil {
		t.Fatal("Register ignored a conflicting collector")
	}
}

func TestObserveRequest(t *testing.T) {
	l := Labels{Provider: "req-p", Model: "gpt-x"}
	ObserveRequest(l, 200, 300*time.Millisecond)
	ObserveRequest(l, 200, 700*time.Millisecond)
	ObserveRequest(l, 429, 50*time.Millisecond)
	ObserveRequest(l, 0, -time.Second) // no response; negative duration clamps to 0

	for status, want := range map[string]float64{"200": 2, "429": 1, "0": 1} {
		m := metric(t, nameRequests, map[string]string{"provider": "req-p", "model": "gpt-x", "status": status})
		if got := m.GetCounter().GetValue(); got != want {
			t.Errorf("requests{status=%s} = %v, want %v", status, got, want)
		}
	}
	h := metric(t, nameDuration, map[string]string{"provider": "req-p", "model": "gpt-x"}).GetHistogram()
	if h.GetSampleCount() != 4 || math.Abs(h.GetSampleSum()-1.05) > 1e-9 {
		t.Fatalf("duration count/sum = %d/%v, want 4/1.05", h.GetSampleCount(), h.GetSampleSum())
	}
	var bounds []float64
	for _, b := range h.GetBucket() {
		bounds = append(bounds, b.GetUpperBound())
	}
	if !slices.Equal(bounds, durationBuckets) {
		t.Fatalf("buckets = %v, want %v", bounds, durationBuckets)
	}
	// 2 of 4 failed: the 429 and the request without a response.
	rate := metric(t, nameErrorRate, map[string]string{"provider": "req-p"}).GetGauge().GetValue()
	if rate != 0.5 {
		t.Fatalf("error rate = %v, want 0.5", rate)
	}
}

func TestObserveTTFT(t *testing.T) {
	l := Labels{Provider: "ttft-p", Model: "m"}
	ObserveTTFT(l, 20*time.Millisecond)
	ObserveTTFT(l, 2*time.Second)
	h := metric(t, nameTTFT, map[string]string{"provider": "ttft-p", "model": "m"}).GetHistogram()
	if h.GetSampleCount() != 2 || math.Abs(h.GetSampleSum()-2.02) > 1e-9 {
		t.Fatalf("ttft count/sum = %d/%v, want 2/2.02", h.GetSampleCount(), h.GetSampleSum())
	}
	if b := h.GetBucket(); b[0].GetUpperBound() != 0.01 || b[len(b)-1].GetUpperBound() != 30 {
		t.Fatalf("ttft buckets span %v..%v, want 0.01..30", b[0].GetUpperBound(), b[len(b)-1].GetUpperBound())
	}
}

func TestAddTokens(t *testing.T) {
	l := Labels{Provider: "tok-p", Model: "m"}
	AddTokens(l, catalog.Tokens{Input: 50, CachedInput: 10000, CacheWrite: 2000, Output: 300, Reasoning: 100})
	AddTokens(l, catalog.Tokens{Input: 5, Output: 1, CachedInput: -3}) // negative counts as 0
	want := map[string]float64{
		"prompt": 50 + 10000 + 2000 + 5, "completion": 300 + 100 + 1,
		"cached": 10000, "cache_write": 2000, "reasoning": 100,
	}
	for kind, w := range want {
		got := value(t, tokensTotal.WithLabelValues("tok-p", "m", kind))
		if got != w {
			t.Errorf("tokens{type=%s} = %v, want %v", kind, got, w)
		}
	}
}

func TestAddCost(t *testing.T) {
	l := Labels{Provider: "cost-p", Model: "m"}
	AddCost(l, 0.006125)
	AddCost(l, 0.01665)
	for _, bad := range []float64{0, -1, math.NaN(), math.Inf(1), math.Inf(-1)} {
		AddCost(l, bad)
	}
	got := value(t, costTotal.WithLabelValues("cost-p", "m", "USD"))
	if math.Abs(got-(0.006125+0.01665)) > 1e-15 {
		t.Fatalf("cost = %v, want %v", got, 0.006125+0.01665)
	}
}

func TestProviderCounters(t *testing.T) {
	InflightAdd("inf-p", 1)
	InflightAdd("inf-p", 1)
	InflightAdd("inf-p", -1)
	IncRetry("inf-p")
	IncRetry("inf-p")
	IncFallback("inf-p", "inf-q")
	IncRoutingDecision("cost", "inf-q")
	IncRoutingDecision("Not A Strategy!", "inf-q")
	checks := []struct {
		c    prometheus.Collector
		want float64
	}{
		{upstreamInflight.WithLabelValues("inf-p"), 1},
		{retriesTotal.WithLabelValues("inf-p"), 2},
		{fallbacksTotal.WithLabelValues("inf-p", "inf-q"), 1},
		{routingDecisions.WithLabelValues("cost", "inf-q"), 1},
		{routingDecisions.WithLabelValues(Other, "inf-q"), 1},
	}
	for i, c := range checks {
		if got := value(t, c.c); got != c.want {
			t.Errorf("check %d = %v, want %v", i, got, c.want)
		}
	}
}

func TestBreakerStateAndReset(t *testing.T) {
	SetBreakerState("brk-p", "brk-p/m/eu", BreakerValue("open"))
	SetBreakerState("brk-p", "brk-p/m/us", BreakerValue("half_open"))
	if got := value(t, breakerState.WithLabelValues("brk-p", "brk-p/m/eu")); got != BreakerOpen {
		t.Fatalf("breaker eu = %v, want %d", got, BreakerOpen)
	}
	ResetConfigGauges()
	// A deployment dropped by a reload must disappear from /metrics.
	if n := len(collect(breakerState)); n != 0 {
		t.Fatalf("after reset %d breaker series remain", n)
	}
	SetBreakerState("brk-p", "brk-p/m/us", BreakerValue("closed"))
	if got := value(t, breakerState.WithLabelValues("brk-p", "brk-p/m/us")); got != BreakerClosed {
		t.Fatalf("breaker us = %v, want %d", got, BreakerClosed)
	}
}

func TestEnumeratedCounters(t *testing.T) {
	before := func(c prometheus.Collector) float64 { return value(t, c) }
	hit, other := before(cacheRequests.WithLabelValues(CacheHit)), before(cacheRequests.WithLabelValues(Other))
	IncCache(CacheHit)
	IncCache("HIT; DROP TABLE")
	if got := before(cacheRequests.WithLabelValues(CacheHit)); got != hit+1 {
		t.Errorf("cache hit = %v, want %v", got, hit+1)
	}
	if got := before(cacheRequests.WithLabelValues(Other)); got != other+1 {
		t.Errorf("cache other = %v, want %v", got, other+1)
	}

	IncError("rate_limited")
	IncError("budget_exceeded")
	IncSecurityEvent(EventKeyDisabled)
	IncDegraded("cache_only")
	for _, c := range []prometheus.Collector{
		errorsTotal.WithLabelValues("rate_limited"), errorsTotal.WithLabelValues("budget_exceeded"),
		securityEvents.WithLabelValues(EventKeyDisabled), degradedTotal.WithLabelValues("cache_only"),
	} {
		if got := value(t, c); got < 1 {
			t.Errorf("counter not incremented: %v", got)
		}
	}
}

// touchAll makes every metric have at least one series.
func touchAll() {
	l := Labels{Provider: "all-p", Model: "all-m"}
	ObserveRequest(l, 200, time.Second)
	ObserveTTFT(l, time.Second)
	AddTokens(l, catalog.Tokens{Input: 1, CachedInput: 1, CacheWrite: 1, Output: 1, Reasoning: 1})
	AddCost(l, 1)
	InflightAdd("all-p", 0)
	IncRetry("all-p")
	IncFallback("all-p", "all-q")
	IncRoutingDecision("cost", "all-p")
	SetBreakerState("all-p", "all-p/all-m", BreakerClosed)
	IncCache(CacheMiss)
	IncError("timeout")
	IncSecurityEvent(EventRedacted)
	IncKeyRequest("all-p", "kfp_00000000000000ff")
	IncDegraded("cache_only")
	SetKeyDaysLeft("all-p", "kfp_00000000000000ff", 30)
}

func TestNamesMatchRegistered(t *testing.T) {
	touchAll()
	var got []string
	for _, mf := range gather(t) {
		got = append(got, mf.GetName())
	}
	want := Names()
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("gathered %v\nNames()  %v", got, want)
	}
	if len(all) != len(names) {
		t.Fatalf("%d collectors, %d names", len(all), len(names))
	}
}

func TestCurrencyIsUSD(t *testing.T) {
	AddCost(Labels{Provider: "usd-p", Model: "m"}, 0.5)
	m := metric(t, nameCost, map[string]string{"provider": "usd-p"})
	if !hasLabels(m, map[string]string{"currency": "USD"}) {
		t.Fatalf("cost labels = %v", m.GetLabel())
	}
}

// Many goroutines creating and using the same new series must count
// exactly, and the race detector must stay quiet.
func TestConcurrentObservations(t *testing.T) {
	const goroutines, each = 16, 200
	l := Labels{Provider: "conc-p", Model: "conc-m"}
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range each {
				status := 200
				if (g+i)%2 == 0 {
					status = 503
				}
				ObserveRequest(l, status, time.Millisecond)
				AddTokens(l, catalog.Tokens{Input: 1, Output: 2})
				InflightAdd("conc-p", 1)
				InflightAdd("conc-p", -1)
				IncRoutingDecision("round_robin", "conc-p")
			}
		})
	}
	wg.Wait()
	total := value(t, requestsTotal.WithLabelValues("conc-p", "conc-m", "200")) +
		value(t, requestsTotal.WithLabelValues("conc-p", "conc-m", "503"))
	if total != goroutines*each {
		t.Fatalf("requests = %v, want %d", total, goroutines*each)
	}
	if got := value(t, tokensTotal.WithLabelValues("conc-p", "conc-m", "completion")); got != 2*goroutines*each {
		t.Fatalf("completion tokens = %v, want %d", got, 2*goroutines*each)
	}
	if got := value(t, upstreamInflight.WithLabelValues("conc-p")); got != 0 {
		t.Fatalf("inflight = %v, want 0", got)
	}
	if got := metric(t, nameErrorRate, map[string]string{"provider": "conc-p"}).GetGauge().GetValue(); got != 0.5 {
		t.Fatalf("error rate = %v, want 0.5", got)
	}
}

// Past the cache bound, observations still land in the right series.
func TestCowMapBound(t *testing.T) {
	const limit = 8
	m := cowMap[int, int]{limit: limit}
	for i := range limit + 10 {
		if got := m.get(i, func() int { return i * 2 }); got != i*2 {
			t.Fatalf("get(%d) = %d", i, got)
		}
	}
	n := 0
	m.each(func(int, int) { n++ })
	if n != limit {
		t.Fatalf("cached %d entries, want %d", n, limit)
	}
	if got := m.get(limit+5, func() int { return -1 }); got != -1 {
		t.Fatalf("uncached entry not recreated: %d", got)
	}
}
