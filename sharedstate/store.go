package sharedstate

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"
)

// ErrUnavailable is wrapped by every error a Store returns for a failed or
// skipped Redis operation: the caller then falls back to in-process state
// (or, for limits with Config.FailClosed, refuses the request).
var ErrUnavailable = errors.New("sharedstate: redis unavailable")

// Store is one gateway instance's connection to the shared state. It is
// safe for concurrent use. Several Stores (one per instance) pointing at
// the same Redis and key prefix share limits, spend, cache and cooldowns.
type Store struct {
	client     *redis.Client
	prefix     string
	timeout    time.Duration
	failClosed bool
	now        func() time.Time
	logger     *zap.Logger

	healthy atomic.Bool
	closed  atomic.Bool
	health  healthLog
	pending pendingSpend

	stop      chan struct{}
	wake      chan struct{} // markDown -> watch: switch to the outage pace
	done      sync.WaitGroup
	closeOnce sync.Once
}

// New connects to Redis. It fails only on an invalid config: when Redis is
// down at start the Store reports unhealthy, its calls fail fast with
// ErrUnavailable, and a background loop (stopped by Close) reconnects.
// New waits at most Config.Timeout for a first PING.
func New(cfg Config, logger *zap.Logger) (*Store, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	opt, err := cfg.redisOptions()
	if err != nil {
		return nil, err
	}
	if logger == nil {
		logger = zap.NewNop()
	}
	quietRedisLog(logger)
	s := &Store{
		client:     redis.NewClient(opt),
		prefix:     cfg.KeyPrefix,
		timeout:    cfg.Timeout,
		failClosed: cfg.FailClosed,
		now:        cfg.Now,
		logger:     logger.With(zap.String("redis", opt.Addr)),
		stop:       make(chan struct{}),
		wake:       make(chan struct{}, 1),
	}
	s.health.init()
	liveStores.Store(s, struct{}{})
	if s.ping() {
		s.logger.Info("shared state: connected to redis")
	}
	s.done.Add(1)
	go s.watch()
	return s, nil
}

// Close stops the health loop and closes the connections. It is safe to
// call more than once; later calls return nil.
func (s *Store) Close() error {
	var err error
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		liveStores.Delete(s)
		close(s.stop)
		s.done.Wait()
		err = s.client.Close()
	})
	return err
}

// Healthy reports whether Redis answered the last operation or probe.
// While false, every call fails at once with ErrUnavailable.
func (s *Store) Healthy() bool { return s.healthy.Load() && !s.closed.Load() }

// FailClosed reports Config.FailClosed: whether limits deny (503) rather
// than fall back to in-process state while Redis is unavailable.
func (s *Store) FailClosed() bool { return s.failClosed }

// errClosed is returned after Close.
var errClosed = fmt.Errorf("%w: store closed", ErrUnavailable)

// do runs one Redis operation within the Store's time budget. While the
// Store is unhealthy it fails at once instead: a Redis that does not answer
// must not cost every request a timeout; the health loop probes instead.
// A failure that is Redis's (not the caller's cancellation) marks the
// Store unhealthy.
func (s *Store) do(ctx context.Context, op string, fn func(ctx context.Context) error) error {
	if s.closed.Load() {
		return errClosed
	}
	if !s.healthy.Load() {
		errorsTotal.WithLabelValues(op).Inc()
		s.skipped()
		return fmt.Errorf("%w (%s skipped)", ErrUnavailable, op)
	}
	octx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	err := fn(octx)
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		// The caller gave up (client gone, request deadline): not a
		// verdict on Redis.
		return fmt.Errorf("%w: %s: %w", ErrUnavailable, op, ctx.Err())
	}
	errorsTotal.WithLabelValues(op).Inc()
	s.markDown(op, err)
	return fmt.Errorf("%w: %s: %w", ErrUnavailable, op, err)
}

// key builds a Redis key under the Store's prefix.
func (s *Store) key(kind, name string) string { return s.prefix + kind + name }
