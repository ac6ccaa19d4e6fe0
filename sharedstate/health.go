package sharedstate

import (
	"context"
	"sync"
	"time"

	"go.uber.org/zap"
)

// Health loop timing. While up, a PING every upProbeInterval notices an
// outage even without traffic (for the gauge); while down, PINGs are more
// frequent, since they are what brings the Store back into service.
const (
	upProbeInterval   = 2 * time.Second
	downProbeInterval = 200 * time.Millisecond
	logInterval       = 30 * time.Second
)

// healthLog throttles outage logging: at most one warning per logInterval
// however many calls fail, and one recovery line per logged outage.
type healthLog struct {
	mu        sync.Mutex
	interval  time.Duration
	lastWarn  time.Time // when the last warning was written
	downSince time.Time // start of the current outage; zero while up
	warned    bool      // a warning was written for the current outage
	failures  int64     // failed or skipped calls not yet reported
}

func (h *healthLog) init() { h.interval = logInterval }

// watch is the background health loop; it ends when Close closes stop.
func (s *Store) watch() {
	defer s.done.Done()
	t := time.NewTimer(s.probeInterval())
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-s.wake: // a call just failed: probe at the outage pace
			t.Reset(downProbeInterval)
			continue
		case <-t.C:
		}
		s.ping()
		t.Reset(s.probeInterval())
	}
}

func (s *Store) probeInterval() time.Duration {
	if s.healthy.Load() {
		return upProbeInterval
	}
	return downProbeInterval
}

// ping probes Redis and updates the health state. Before declaring Redis
// healthy it replays the spend that could not be recorded meanwhile.
func (s *Store) ping() bool {
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
	defer cancel()
	if err := s.client.Ping(ctx).Err(); err != nil {
		errorsTotal.WithLabelValues(opPing).Inc()
		s.markDown(opPing, err)
		return false
	}
	if err := s.flushPendingSpend(); err != nil {
		errorsTotal.WithLabelValues(opFlushSpend).Inc()
		s.markDown(opFlushSpend, err)
		return false
	}
	s.markUp()
	return true
}

// markDown records a failure: the Store turns unhealthy and, at most once
// per interval, says so in the log.
func (s *Store) markDown(op string, err error) {
	if s.healthy.Swap(false) {
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
	now := time.Now()
	h := &s.health
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.downSince.IsZero() {
		h.downSince = now
	}
	h.failures++
	if !h.lastWarn.IsZero() && now.Sub(h.lastWarn) < h.interval {
		return
	}
	fallback := "rate limits, budgets and the cache fall back to in-process state"
	if s.failClosed {
		fallback = "requests subject to rate limits are refused (fail closed); the cache falls back to in-process state"
	}
	s.logger.Warn("shared state: redis unavailable; "+fallback,
		zap.String("op", op), zap.Error(err),
		zap.Int64("failed_calls", h.failures),
		zap.Duration("down_for", now.Sub(h.downSince).Round(time.Millisecond)))
	h.lastWarn, h.warned, h.failures = now, true, 0
}

// skipped counts a call refused while unhealthy, logging a reminder at most
// once per interval during a long outage.
func (s *Store) skipped() {
	now := time.Now()
	h := &s.health
	h.mu.Lock()
	defer h.mu.Unlock()
	h.failures++
	if now.Sub(h.lastWarn) < h.interval {
		return
	}
	s.logger.Warn("shared state: redis still unavailable",
		zap.Int64("failed_calls", h.failures),
		zap.Duration("down_for", now.Sub(h.downSince).Round(time.Millisecond)))
	h.lastWarn, h.failures = now, 0
}

// markUp records a successful probe, logging the recovery of an outage
// that was logged.
func (s *Store) markUp() {
	if s.healthy.Swap(true) {
		return
	}
	h := &s.health
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.warned {
		s.logger.Info("shared state: redis reachable again; shared limits, budgets and cache resume",
			zap.Duration("down_for", time.Since(h.downSince).Round(time.Millisecond)),
			zap.Int64("failed_calls", h.failures))
	}
	h.downSince, h.warned, h.failures = time.Time{}, false, 0
}
