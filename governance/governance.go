package governance

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/caddyserver/certmagic"
	"go.uber.org/zap"

	"github.com/sira-ai/caddy-ai-backends/security"
)

// Defaults for Options.
const (
	DefaultPollInterval  = 2 * time.Second
	DefaultFlushInterval = 10 * time.Second
)

// Options tune a Governance; zero values take the defaults.
type Options struct {
	// Now is the clock of limits, budgets and record times.
	Now func() time.Time
	// Rand makes secrets and ids; default crypto/rand.
	Rand io.Reader
	// Audit receives one entry per management action.
	Audit *zap.Logger
	// Logger receives operational warnings.
	Logger *zap.Logger
	// PollInterval is how often Run checks the change marker.
	PollInterval time.Duration
	// FlushInterval is how often Run writes spend to storage.
	FlushInterval time.Duration
}

// Governance holds the managed keys and teams of one storage.
type Governance struct {
	st   certmagic.Storage
	opts Options

	// mu serializes rebuilds and guards everything below it.
	mu      sync.Mutex
	cur     *state
	version uint64
	meters  map[string]*meter // "k:"+id and "t:"+name
	spent   spendDoc          // as last read from storage
	guards  map[any]func([sha256.Size]byte) bool

	idx         atomic.Pointer[index]
	spendReader atomic.Pointer[SpendReader]
}

// SpendReader reads the spend of a key or team (by fingerprint) from
// where the limiter keeps it when that is not this process (Redis).
type SpendReader func(ctx context.Context, fingerprint string, period time.Duration) (float64, bool)

// New loads the records and spend from st.
func New(ctx context.Context, st certmagic.Storage, opts Options) (*Governance, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Rand == nil {
		opts.Rand = rand.Reader
	}
	if opts.Audit == nil {
		opts.Audit = zap.NewNop()
	}
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = DefaultPollInterval
	}
	if opts.FlushInterval <= 0 {
		opts.FlushInterval = DefaultFlushInterval
	}
	g := &Governance{st: st, opts: opts, meters: map[string]*meter{}, guards: map[any]func([sha256.Size]byte) bool{}}
	if _, err := loadJSON(ctx, st, spendKey, &g.spent); err != nil {
		return nil, fmt.Errorf("managed keys: reading spend: %v", err)
	}
	s, err := loadState(ctx, st)
	if err != nil {
		return nil, fmt.Errorf("managed keys: reading state: %v", err)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.rebuildLocked(s)
	return g, nil
}

// Lookup finds the usable managed key for a presented secret: O(1), one
// hash and one map read, no lock and no allocation. The map is indexed by
// the SHA-256 of the presented value, so its timing tells nothing about
// any stored secret: an attacker cannot steer a digest's bytes.
func (g *Governance) Lookup(presented string, now time.Time) *Entry {
	e := g.idx.Load().byHash[security.HashKey(presented)]
	if e == nil {
		return nil
	}
	n := now.UnixNano()
	if e.expires != 0 && n >= e.expires {
		return nil
	}
	e.meter.touch(n)
	return e
}

// LimitsOf returns the configured limits of a managed key or team by
// fingerprint, for the Redis-backed limiter.
func (g *Governance) LimitsOf(fingerprint string) (Limits, bool) {
	l, ok := g.idx.Load().byFingerprint[fingerprint]
	return l, ok
}

// SetSpendReader makes the API report spend from r (Redis) instead of
// this process's limiters; nil goes back to the limiters.
func (g *Governance) SetSpendReader(r SpendReader) {
	if r == nil {
		g.spendReader.Store(nil)
		return
	}
	g.spendReader.Store(&r)
}

// Guard registers a check for secrets a managed key must never have (the
// Caddyfile's client keys), until Unguard(owner). Keys created later are
// refused when has reports their digest; stored keys it reports are left
// out of the index (the Caddyfile key wins), with a warning.
func (g *Governance) Guard(owner any, has func([sha256.Size]byte) bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.guards[owner] = has
	g.rebuildLocked(g.cur)
}

// Unguard drops a check registered by Guard; a managed key it kept out
// of the index is usable again (a reload removed the Caddyfile key).
func (g *Governance) Unguard(owner any) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, ok := g.guards[owner]; ok {
		delete(g.guards, owner)
		g.rebuildLocked(g.cur)
	}
}

func (g *Governance) guardedLocked(h [sha256.Size]byte) bool {
	for _, has := range g.guards {
		if has(h) {
			return true
		}
	}
	return false
}

// Refresh reloads the records when another instance changed them, and
// reports whether it did.
func (g *Governance) Refresh(ctx context.Context) (bool, error) {
	v, err := readMarker(ctx, g.st)
	if err != nil {
		return false, err
	}
	g.mu.Lock()
	same := v == g.version
	g.mu.Unlock()
	if same {
		return false, nil
	}
	s, err := loadState(ctx, g.st)
	if err != nil {
		return false, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if s.Version < g.version {
		return false, nil // a slower reader raced a newer rebuild
	}
	g.rebuildLocked(s)
	return true, nil
}

// Run polls for changes and writes spend until ctx ends, then writes spend
// once more. tick, when not nil, replaces the poll timer (tests).
func (g *Governance) Run(ctx context.Context, tick <-chan time.Time) {
	if tick == nil {
		t := time.NewTicker(g.opts.PollInterval)
		defer t.Stop()
		tick = t.C
	}
	lastFlush := g.opts.Now()
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := g.Flush(fctx); err != nil {
				g.opts.Logger.Warn("managed keys: writing spend at shutdown", zap.Error(err))
			}
			return
		case <-tick:
		}
		if _, err := g.Refresh(ctx); err != nil && ctx.Err() == nil {
			g.opts.Logger.Warn("managed keys: reading changes", zap.Error(err))
		}
		if now := g.opts.Now(); now.Sub(lastFlush) >= g.opts.FlushInterval {
			lastFlush = now
			if err := g.Flush(ctx); err != nil && ctx.Err() == nil {
				g.opts.Logger.Warn("managed keys: writing spend", zap.Error(err))
			}
		}
	}
}

// rebuildLocked makes s current: limiters are kept for records whose rev
// did not change, and a new index is swapped in.
func (g *Governance) rebuildLocked(s *state) {
	g.cur, g.version = s, s.Version
	idx := &index{
		byHash:        make(map[[sha256.Size]byte]*Entry, len(s.Keys)),
		byFingerprint: make(map[string]Limits, len(s.Keys)+len(s.Teams)),
	}
	seen := make(map[string]bool, len(s.Keys)+len(s.Teams))
	teams := make(map[string]*Team, len(s.Teams))
	for _, t := range s.Teams {
		teams[t.Name] = t
		h := teamHash(t.Name)
		m := g.meterLocked("t:"+t.Name, t.Rev, h, t.Limits.config("team:"+t.Name), g.spent.Teams[t.Name], t.Limits)
		seen["t:"+t.Name] = true
		idx.byFingerprint[m.limiter.Fingerprint()] = t.Limits
	}
	for _, k := range s.Keys {
		h, ok := decodeHash(k.Hash)
		if !ok {
			g.opts.Logger.Error("managed keys: record without a valid hash, skipped", zap.String("id", k.ID))
			continue
		}
		m := g.meterLocked("k:"+k.ID, k.Rev, h, k.Limits.config(k.Label), g.spent.Keys[k.ID], k.Limits)
		seen["k:"+k.ID] = true
		if k.RevokedAt != nil || m.limiter == nil {
			continue
		}
		if g.guardedLocked(h) {
			g.opts.Logger.Warn("managed key has the same secret as a Caddyfile client_key; the Caddyfile key wins",
				zap.String("client_key", k.Fingerprint), zap.String("id", k.ID))
			continue
		}
		e := &Entry{ID: k.ID, Key: m.limiter, KeyLimits: k.Limits, meter: m}
		if k.ExpiresAt != nil {
			e.expires = k.ExpiresAt.UnixNano()
		}
		if t := teams[k.Team]; k.Team != "" && t != nil {
			tm := g.meters["t:"+t.Name]
			e.Team, e.TeamLimits, e.team = tm.limiter, t.Limits, tm
		}
		idx.byHash[h] = e
		idx.byFingerprint[k.Fingerprint] = k.Limits
	}
	for name := range g.meters {
		if !seen[name] {
			delete(g.meters, name)
		}
	}
	g.idx.Store(idx)
}

// meterLocked returns the meter of one record, with a limiter for its
// current rev: a changed record gets a fresh limiter that keeps the spend.
func (g *Governance) meterLocked(name string, rev uint64, h [sha256.Size]byte, cfg security.ClientKeyConfig,
	stored spendRow, l Limits) *meter {
	m := g.meters[name]
	if m != nil && m.rev == rev && m.limiter != nil {
		return m
	}
	limiter, err := security.NewManagedKey(h, cfg, g.opts.Now)
	if err != nil {
		g.opts.Logger.Error("managed keys: invalid limits, record skipped", zap.String("record", name), zap.Error(err))
		if m == nil {
			m = &meter{}
			g.meters[name] = m
		}
		m.limiter = nil
		return m
	}
	if m == nil {
		m = &meter{}
		m.lastUsed.Store(stored.LastUsed)
		if usd := stored.USD; usd > 0 && stored.PeriodStart.Equal(periodStart(l.Period(), g.opts.Now())) {
			limiter.Charge(0, usd)
		}
		g.meters[name] = m
	} else if m.limiter != nil {
		limiter.Charge(0, m.limiter.Spent())
	}
	m.limiter, m.rev = limiter, rev
	return m
}

// periodStart is the start of the budget period containing now, as the
// limiter aligns it; the zero time for a budget that never resets.
func periodStart(period time.Duration, now time.Time) time.Time {
	if period <= 0 {
		return time.Time{}
	}
	return now.Truncate(period).UTC()
}

// mutate applies f to the freshest stored state under the storage lock,
// stores it with a new version and makes it current here.
func (g *Governance) mutate(ctx context.Context, f func(s *state) error) error {
	return withLock(ctx, g.st, stateLock, func() error {
		s, err := loadState(ctx, g.st)
		if err != nil {
			return &Error{Status: http.StatusInternalServerError, Msg: "reading managed keys: " + err.Error()}
		}
		if err := f(s); err != nil {
			return err
		}
		s.Version++
		if err := saveState(ctx, g.st, s); err != nil {
			return &Error{Status: http.StatusInternalServerError, Msg: "storing managed keys: " + err.Error()}
		}
		g.mu.Lock()
		g.rebuildLocked(s)
		g.mu.Unlock()
		return nil
	})
}

// Error is a management failure with the HTTP status it maps to.
type Error struct {
	Status int
	Msg    string
}

func (e *Error) Error() string { return e.Msg }

func notFound(format string, args ...any) error {
	return &Error{Status: http.StatusNotFound, Msg: fmt.Sprintf(format, args...)}
}

func conflict(format string, args ...any) error {
	return &Error{Status: http.StatusConflict, Msg: fmt.Sprintf(format, args...)}
}

// newSecret makes a key's secret and its id.
func (g *Governance) newSecret(now time.Time) (secret, id string, err error) {
	var b [32]byte
	if _, err := io.ReadFull(g.opts.Rand, b[:]); err != nil {
		return "", "", err
	}
	var r [4]byte
	if _, err := io.ReadFull(g.opts.Rand, r[:]); err != nil {
		return "", "", err
	}
	// Ids sort in creation order, so listing pages are stable.
	id = fmt.Sprintf("key_%012x%s", now.UnixMilli(), hex.EncodeToString(r[:]))
	return "sk-aib-" + base64.RawURLEncoding.EncodeToString(b[:]), id, nil
}
