package aibackends

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/certmagic"
	"go.uber.org/zap"

	"github.com/sira-ai/caddy-ai-backends/governance"
	"github.com/sira-ai/caddy-ai-backends/security"
)

// governanceState pools one Governance per storage, shared by every
// handler with managed_keys and by the admin API, across reloads. Its
// loop polls for other instances' changes and writes spend; Destruct
// (the last user gone) stops it, which writes spend once more.
type governanceState struct {
	gov    *governance.Governance
	cancel context.CancelFunc
	done   chan struct{}
}

func (s *governanceState) Destruct() error {
	s.cancel()
	<-s.done
	return nil
}

// governanceKey names the pooled Governance of a storage. Storage modules
// are configured from JSON, so the type and its JSON tell two apart.
func governanceKey(st certmagic.Storage) string {
	if s, ok := st.(fmt.Stringer); ok {
		return fmt.Sprintf("governance:%T:%s", st, s.String())
	}
	if raw, err := json.Marshal(st); err == nil {
		return fmt.Sprintf("governance:%T:%s", st, raw)
	}
	return fmt.Sprintf("governance:%T:%p", st, st)
}

// newGovernanceState opens the records on st and starts their loop.
func newGovernanceState(st certmagic.Storage) (caddy.Destructor, error) {
	logger := caddy.Log().Named("http.handlers.ai_backends")
	g, err := governance.New(context.Background(), st, governance.Options{
		Audit: logger.Named("audit"), Logger: logger.Named("managed_keys"),
	})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &governanceState{gov: g, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		g.Run(ctx, nil)
	}()
	return s, nil
}

// provisionManagedKeys takes the storage's Governance when managed_keys
// is on. A test may set h.gov before Provision.
func (h *Handler) provisionManagedKeys(ctx caddy.Context) error {
	if !h.ManagedKeys {
		return nil
	}
	if h.gov == nil {
		st := ctx.Storage()
		if st == nil {
			return fmt.Errorf("managed_keys: Caddy has no storage configured")
		}
		v, err := h.pool.load(governanceKey(st), func() (caddy.Destructor, error) { return newGovernanceState(st) })
		if err != nil {
			return fmt.Errorf("managed_keys: %v", err)
		}
		h.gov = v.(*governanceState).gov
	}
	if h.keyring != nil {
		h.gov.Guard(h, h.keyring.Has)
	}
	// With Redis the API reads spend where the limiter keeps it. (Every
	// handler on one storage is expected to share one Redis.)
	h.gov.SetSpendReader(nil)
	if h.shared != nil {
		store := h.shared.store
		h.gov.SetSpendReader(func(ctx context.Context, fp string, period time.Duration) (float64, bool) {
			usd, err := store.Spent(ctx, "budget:"+fp, period)
			return usd, err == nil
		})
	}
	h.logger.Info("managed client keys accepted", zap.Bool("caddyfile_keys", h.keyring != nil))
	return nil
}

// admitManaged admits a managed key's request: the key's limits and then
// its team's must both hold, and spend counts against both. When the team
// refuses, what the key's limiter held is given back.
func (h *Handler) admitManaged(w http.ResponseWriter, r *http.Request, rec *record, a admission) bool {
	e := rec.managed
	keySettle, keyLocal, d := h.admitWhere(r, e.Key, a)
	if d != nil {
		h.deny(w, rec, d)
		return false
	}
	if e.Team == nil {
		rec.charge = func(actual int, cost float64) {
			keySettle(actual, cost)
			if keyLocal {
				e.SettledLocally(cost, false)
			}
		}
		return true
	}
	teamSettle, teamLocal, d := h.admitWhere(r, e.Team, a)
	if d != nil {
		keySettle(0, 0)
		h.deny(w, rec, governance.TeamDenial(d))
		return false
	}
	rec.charge = func(actual int, cost float64) {
		keySettle(actual, cost)
		teamSettle(actual, cost)
		if keyLocal {
			e.SettledLocally(cost, false)
		}
		if teamLocal {
			e.SettledLocally(cost, true)
		}
	}
	return true
}

// sharedLimits are the limits the Redis-backed limiter applies to k: a
// Caddyfile key's, or a managed key's or team's.
func (h *Handler) sharedLimits(k *security.ClientKey) (ClientKey, bool) {
	fp := k.Fingerprint()
	if cfg, ok := h.clientLimits[fp]; ok {
		return cfg, true
	}
	if h.gov == nil {
		return ClientKey{}, false
	}
	l, ok := h.gov.LimitsOf(fp)
	if !ok {
		return ClientKey{}, false
	}
	return ClientKey{
		RequestsPerMinute: l.RequestsPerMinute, TokensPerMinute: l.TokensPerMinute,
		BudgetUSD: l.BudgetUSD, BudgetPeriod: caddy.Duration(l.Period()), MaxTokens: l.MaxTokens,
	}, true
}
