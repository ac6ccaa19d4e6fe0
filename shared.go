package aibackends

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/sira-ai/caddy-ai-backends/breaker"
	"github.com/sira-ai/caddy-ai-backends/cache"
	"github.com/sira-ai/caddy-ai-backends/internal/sat"
	"github.com/sira-ai/caddy-ai-backends/providers"
	"github.com/sira-ai/caddy-ai-backends/security"
	"github.com/sira-ai/caddy-ai-backends/sharedstate"
)

// StorageConfig shares client limits, budgets, the response cache and
// provider cooldowns among gateway instances through Redis.
type StorageConfig struct {
	// Redis server; without it all state stays in process.
	Redis *RedisConfig `json:"redis,omitempty"`
}

// RedisConfig locates the shared Redis.
type RedisConfig struct {
	// Address is host:port or a redis:// URL (placeholders allowed).
	Address string `json:"address"`
	// Password, a placeholder such as {env.REDIS_PASSWORD}.
	Password string `json:"password,omitempty"`
	// DB number.
	DB int `json:"db,omitempty"`
	// KeyPrefix of every key. Default: "aib:".
	KeyPrefix string `json:"key_prefix,omitempty"`
	// Timeout: the longest a request waits on Redis per call. Default: 50ms.
	Timeout caddy.Duration `json:"timeout,omitempty"`
	// FailClosed denies requests (503) while Redis is unavailable instead
	// of falling back to in-process limits.
	FailClosed bool `json:"fail_closed,omitempty"`
}

// sharedState pools the Redis client across reloads with the same settings.
type sharedState struct {
	store    *sharedstate.Store
	instance string
}

func (s *sharedState) Destruct() error { return s.store.Close() }

func (h *Handler) provisionShared(ctx caddy.Context) error {
	if h.Storage == nil || h.Storage.Redis == nil {
		return nil
	}
	rc := h.Storage.Redis
	if rc.Address == "" {
		return fmt.Errorf("storage redis: address is required")
	}
	repl := caddy.NewReplacer()
	address, err := repl.ReplaceOrErr(rc.Address, true, true)
	if err != nil {
		return fmt.Errorf("storage redis: address: %v", err)
	}
	password, err := repl.ReplaceOrErr(rc.Password, true, true)
	if err != nil {
		return fmt.Errorf("storage redis: password: %v", err)
	}
	key := fmt.Sprintf("redis:%s|%d|%s|%d|%v|%s", address, rc.DB, rc.KeyPrefix, rc.Timeout, rc.FailClosed,
		providers.KeyFingerprint(password))
	v, err := h.pool.load(key, func() (caddy.Destructor, error) {
		store, err := sharedstate.New(sharedstate.Config{
			Address: address, Password: password, DB: rc.DB, KeyPrefix: rc.KeyPrefix,
			Timeout: time.Duration(rc.Timeout), FailClosed: rc.FailClosed,
		}, h.logger.Named("redis"))
		if err != nil {
			return nil, fmt.Errorf("storage redis: %v", err)
		}
		return &sharedState{store: store, instance: fmt.Sprintf("%x", time.Now().UnixNano())}, nil
	})
	if err != nil {
		return err
	}
	h.shared = v.(*sharedState)
	for _, c := range sharedstate.Collectors() {
		if err := ctx.GetMetricsRegistry().Register(c); err != nil && !isAlreadyRegistered(err) {
			return err
		}
	}
	h.clientLimits = map[string]ClientKey{}
	for _, k := range h.ClientKeys {
		if secret, err := repl.ReplaceOrErr(k.Key, true, true); err == nil {
			h.clientLimits[security.Fingerprint(secret)] = k
		}
	}
	go h.syncShared(ctx)
	return nil
}

// sharedAdmit applies the client's limits and budget across instances,
// holding the request's estimate in Redis (budget hold, and the tokens taken
// from the shared bucket) until sharedSettle. It reports handled=false when
// Redis is unavailable and the in-process limiter must decide (fail open).
func (h *Handler) sharedAdmit(ctx context.Context, k *security.ClientKey, a admission) (d *security.Denial, hold sharedstate.SpendReservation, handled bool) {
	cfg, ok := h.sharedLimits(k)
	if !ok {
		return nil, hold, false
	}
	s := h.shared.store
	fp := k.Fingerprint()
	if cfg.BudgetUSD > 0 {
		var v sharedstate.SpendVerdict
		var err error
		hold, v, err = s.ReserveSpend(ctx, "budget:"+fp, time.Duration(cfg.BudgetPeriod), cfg.BudgetUSD, a.usd, h.holdTTL())
		if err != nil {
			d, handled = h.sharedUnavailable()
			return d, hold, handled
		}
		switch {
		case v.UsedUp:
			return &security.Denial{Status: http.StatusTooManyRequests, Type: security.DenialBudgetExceeded,
				Code: "insufficient_quota", Message: fmt.Sprintf("budget of %.2f USD for this key is used up", cfg.BudgetUSD)}, hold, true
		case !v.Allowed:
			return &security.Denial{Status: http.StatusTooManyRequests, Type: security.DenialBudgetExceeded,
				Code: security.CodeBudgetReserved, RetryAfter: time.Second,
				Message: fmt.Sprintf("budget nearly used up: this key has spent $%.2f of its $%.2f budget and requests in flight "+
					"hold up to $%.2f more; retry when they finish, or lower max_tokens", v.Spent, cfg.BudgetUSD, v.Reserved)}, hold, true
		}
	}
	dec, err := s.AllowAll(ctx,
		sharedstate.Limit{Key: "rpm:" + fp, PerMinute: cfg.RequestsPerMinute, Cost: 1},
		sharedstate.Limit{Key: "tpm:" + fp, PerMinute: cfg.TokensPerMinute, Cost: a.tokens})
	if err != nil || !dec.Allowed {
		_ = s.ReleaseSpend(context.WithoutCancel(ctx), hold) // admitted by the budget, not by the limits
		hold = sharedstate.SpendReservation{}
	}
	if err != nil {
		d, handled = h.sharedUnavailable()
		return d, hold, handled
	}
	if !dec.Allowed {
		return &security.Denial{Status: http.StatusTooManyRequests, Type: security.DenialRateLimited,
			Code: "rate_limit_exceeded", RetryAfter: dec.RetryAfter,
			Message: "rate limit reached for this key (shared across gateway instances)"}, hold, true
	}
	return nil, hold, true
}

// holdTTL is how long a shared budget hold outlives an instance that died
// before settling it: the longest a request may run, and a little more.
func (h *Handler) holdTTL() time.Duration {
	return timeDuration(h.Retry.Deadline) + 30*time.Second
}

func (st *stores) sharedUnavailable() (*security.Denial, bool) {
	if st.shared.store.FailClosed() {
		return &security.Denial{Status: http.StatusServiceUnavailable, Type: "shared_state_unavailable",
			Code: "shared_state_unavailable", Message: "the gateway's shared state is unavailable; try again shortly",
			RetryAfter: time.Second}, true
	}
	return nil, false
}

// sharedSettle corrects the token estimate, adds the spend, then ends the
// budget hold (in that order, so the amount is never missing from both).
func (h *Handler) sharedSettle(k *security.ClientKey, estimated int, hold sharedstate.SpendReservation, actual int, cost float64) {
	cfg, ok := h.sharedLimits(k)
	if !ok {
		return
	}
	s := h.shared.store
	ctx := context.Background()
	if delta := sat.Sub(sat.Count(actual), sat.Count(estimated)); cfg.TokensPerMinute > 0 && delta != 0 {
		_ = s.Adjust(ctx, "tpm:"+k.Fingerprint(), cfg.TokensPerMinute, delta)
	}
	if cost > 0 {
		_, _ = s.AddSpend(ctx, "budget:"+k.Fingerprint(), time.Duration(cfg.BudgetPeriod), cost)
	}
	_ = s.ReleaseSpend(ctx, hold)
}

// sharedCacheGet is the second cache tier, behind the local one.
func (h *Handler) sharedCacheGet(ctx context.Context, key string) (*cache.Entry, bool) {
	if h.shared == nil {
		return nil, false
	}
	raw, ok, err := h.shared.store.CacheGet(ctx, key)
	if err != nil || !ok {
		return nil, false
	}
	var e cache.Entry
	if json.Unmarshal(raw, &e) != nil || h.now().Sub(e.StoredAt) > timeDuration(h.Cache.TTL) {
		return nil, false
	}
	// Keep it locally too: the next identical request stays in process.
	h.cache.c.Set(key, &e, timeDuration(h.Cache.TTL)-h.now().Sub(e.StoredAt), timeDuration(h.Cache.StaleIfError))
	return &e, true
}

func (h *Handler) sharedCacheSet(key string, e *cache.Entry) {
	if h.shared == nil {
		return
	}
	raw, err := json.Marshal(e)
	if err != nil {
		return
	}
	_ = h.shared.store.CacheSet(context.Background(), key, raw, timeDuration(h.Cache.TTL))
}

// sharedCooldown tells the other instances that a deployment is rate limited.
func (st *stores) sharedCooldown(d *deployment, rest time.Duration) {
	if st.shared == nil {
		return
	}
	go func() { _ = st.shared.store.SetCooldown(context.Background(), d.id, rest) }()
}

// syncShared pulls other instances' cooldowns into the local breakers and
// publishes this instance's open breakers, until the config is unloaded.
func (h *Handler) syncShared(ctx context.Context) {
	runEvery(ctx, time.Second, func() {
		s := h.shared.store
		if !s.Healthy() {
			return
		}
		if cds, err := s.Cooldowns(ctx); err == nil {
			for id, rest := range cds {
				if d, ok := h.catalog.byID[id]; ok && rest > 0 {
					d.state.brk.CoolDown(rest)
				}
			}
		}
		for id, d := range h.catalog.byID {
			if st := d.state.brk.State(); st != breaker.Closed {
				_ = s.PublishBreaker(ctx, h.shared.instance, id, st.String(), 5*time.Second)
			}
		}
	})
}

// sharedStatus is the status API's view of the shared state.
func (st *stores) sharedStatus() any {
	if st.shared == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	out := map[string]any{"healthy": st.shared.store.Healthy(), "instance": st.shared.instance}
	if cds, err := st.shared.store.Cooldowns(ctx); err == nil {
		ms := map[string]int64{}
		for id, d := range cds {
			ms[id] = d.Milliseconds()
		}
		out["cooldowns_ms"] = ms
	}
	if brs, err := st.shared.store.Breakers(ctx); err == nil {
		out["open_breakers"] = brs
	}
	return out
}

func isAlreadyRegistered(err error) bool {
	var dup prometheus.AlreadyRegisteredError
	return errors.As(err, &dup)
}
