package sharedstate

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

// faultTimeout is the budget of the fault tests: tight, since what they
// measure is that no call outlives it.
const faultTimeout = 100 * time.Millisecond

// timedAllow calls Allow and returns its error and duration.
func timedAllow(s *Store) (time.Duration, error) {
	start := time.Now()
	_, _, err := s.Allow(bg(), "c", 60, 1)
	return time.Since(start), err
}

func expectFastFailure(t *testing.T, s *Store, what string) {
	t.Helper()
	took, err := timedAllow(s)
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("%s: err = %v, want ErrUnavailable", what, err)
	}
	if took >= 2*faultTimeout {
		t.Fatalf("%s: the call took %v, want < %v (2x the timeout)", what, took, 2*faultTimeout)
	}
}

func errorsFor(op string) float64 { return metricValue(errorsTotal.WithLabelValues(op)) }

// metricValue reads a counter or gauge.
func metricValue(m prometheus.Metric) float64 {
	var out dto.Metric
	if err := m.Write(&out); err != nil {
		return -1
	}
	if c := out.GetCounter(); c != nil {
		return c.GetValue()
	}
	return out.GetGauge().GetValue()
}

// Redis hung, then killed, then restarted on the same port: calls fail
// within the budget, health and metrics follow, spend made meanwhile is
// not lost, and both instances resume on their own.
func TestOutageFailsFastAndRecovers(t *testing.T) {
	srv := startRedis(t, 0)
	clock := newFakeClock()
	core, logs := observer.New(zap.InfoLevel)
	a, err := New(Config{Address: srv.addr, KeyPrefix: "outage:", Timeout: faultTimeout, Now: clock.Now}, zap.New(core))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	b := newTestStore(t, srv, clock, func(c *Config) { c.KeyPrefix, c.Timeout = "outage:", faultTimeout })
	waitHealthy(t, a, true)
	if up := metricValue(upGauge); up != 1 {
		t.Fatalf("ai_shared_state_up = %v with Redis up, want 1", up)
	}
	if _, err := a.AddSpend(bg(), "c", 0, 1); err != nil {
		t.Fatal(err)
	}

	// A hung Redis (SIGSTOP): the first call waits out its budget, no more.
	before := errorsFor(opAllow)
	srv.pause()
	expectFastFailure(t, a, "hung redis, first call")
	expectFastFailure(t, b, "hung redis, other instance")
	if a.Healthy() || b.Healthy() {
		t.Fatal("Healthy() still true after a timeout")
	}
	// Later calls do not even try: they fail at once.
	took, err := timedAllow(a)
	if !errors.Is(err, ErrUnavailable) || took >= faultTimeout {
		t.Fatalf("call while unhealthy: %v after %v, want an immediate ErrUnavailable", err, took)
	}
	if got := errorsFor(opAllow) - before; got < 3 {
		t.Fatalf("ai_shared_state_errors_total{op=allow} rose by %v, want >= 3", got)
	}
	if up := metricValue(upGauge); up != 0 {
		t.Fatalf("ai_shared_state_up = %v during the outage, want 0", up)
	}
	// Spend made during the outage is queued, and added on recovery.
	if _, err := a.AddSpend(bg(), "c", 0, 0.25); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("AddSpend during the outage: err = %v", err)
	}

	srv.resume()
	t0 := time.Now()
	waitHealthy(t, a, true)
	t.Logf("healthy again %v after SIGCONT", time.Since(t0))
	waitHealthy(t, b, true)
	if got, err := b.Spent(bg(), "c", 0); err != nil || got != 1.25 {
		t.Fatalf("Spent after recovery = %v, %v; want 1.25 (the queued 0.25 replayed)", got, err)
	}
	if up := metricValue(upGauge); up != 1 {
		t.Fatalf("ai_shared_state_up = %v after recovery, want 1", up)
	}

	// A dead Redis (SIGKILL): refused at once.
	srv.kill()
	expectFastFailure(t, a, "killed redis")
	expectFastFailure(t, b, "killed redis, other instance")
	expectFastFailure(t, a, "killed redis, second call")
	if a.Healthy() || b.Healthy() {
		t.Fatal("Healthy() still true after Redis died")
	}

	// Restarted on the same port (empty: no persistence): both resume.
	restarted := startRedis(t, srv.port)
	t1 := time.Now()
	waitHealthy(t, a, true)
	waitHealthy(t, b, true)
	t.Logf("healthy again %v after the restart", time.Since(t1))
	if got := allowN(t, a, "c", 60, 1, 61); got != 60 {
		t.Fatalf("after the restart: %d of 61 allowed, want 60 (a fresh bucket)", got)
	}
	if ok, _, err := b.Allow(bg(), "c", 60, 1); err != nil || ok {
		t.Fatalf("other instance after the restart: %v, %v; want denied (shared again)", ok, err)
	}
	_ = restarted

	// Logging: one warning for the outages (throttled to one per 30s) and
	// one line for the recovery of the logged one; never the password.
	warns := logs.FilterMessageSnippet("redis unavailable").Len()
	recoveries := logs.FilterMessageSnippet("reachable again").Len()
	if warns != 1 || recoveries != 1 {
		for _, e := range logs.All() {
			t.Log(e.Level, e.Message, e.ContextMap())
		}
		t.Fatalf("%d outage warnings and %d recovery lines, want 1 and 1", warns, recoveries)
	}
}

// Redis down when the gateway starts: New succeeds at once, calls fail
// fast, and the Store comes up by itself when Redis does.
func TestStartWithoutRedis(t *testing.T) {
	needRedis(t)
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	s, err := New(Config{Address: "127.0.0.1:" + strconv.Itoa(port), Timeout: faultTimeout, FailClosed: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if took := time.Since(start); took >= 2*faultTimeout {
		t.Fatalf("New took %v with Redis down", took)
	}
	if s.Healthy() || !s.FailClosed() {
		t.Fatalf("Healthy() = %v, FailClosed() = %v; want false, true", s.Healthy(), s.FailClosed())
	}
	expectFastFailure(t, s, "redis not started")
	if _, _, err := s.CacheGet(bg(), "k"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("CacheGet: %v", err)
	}

	startRedis(t, port)
	waitHealthy(t, s, true)
	if ok, _, err := s.Allow(bg(), "c", 60, 1); err != nil || !ok {
		t.Fatalf("Allow after Redis started = %v, %v", ok, err)
	}
}

// A caller giving up is not Redis failing; a closed Store refuses calls.
func TestCancellationAndClose(t *testing.T) {
	s := newTestStore(t, shared, nil)
	ctx, cancel := context.WithCancel(bg())
	cancel()
	if _, _, err := s.CacheGet(ctx, "k"); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled call: err = %v, want context.Canceled", err)
	}
	if !s.Healthy() {
		t.Fatal("a caller's cancellation marked the store unhealthy")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if s.Healthy() {
		t.Fatal("a closed store reports healthy")
	}
	if _, err := s.Spent(bg(), "c", 0); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("call after Close: err = %v", err)
	}
}
