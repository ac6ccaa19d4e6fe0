package governance

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sira-ai/caddy-ai-backends/internal/sat"
	"github.com/sira-ai/caddy-ai-backends/security"
)

// Entry is a usable managed key as the request path sees it: its limiter,
// its team's (nil without a team), and when it expires.
type Entry struct {
	ID string
	// Key carries the key's own limits; Team, when set, the team's.
	Key  *security.ClientKey
	Team *security.ClientKey
	// KeyLimits and TeamLimits are the limits as configured, for the
	// Redis-backed limiter, which keeps its state by fingerprint.
	KeyLimits  Limits
	TeamLimits Limits

	expires int64 // unix nanoseconds; 0: never
	meter   *meter
	team    *meter
}

// meter is what outlives index rebuilds for one key or team: its limiter
// (rebuilt only when the record's rev changes), the spend not yet written
// to storage, and the last use. The last use is an atomic; pending spend
// takes a short mutex once per settled request with a cost.
type meter struct {
	lastUsed atomic.Int64
	mu       sync.Mutex
	pending  float64
	limiter  *security.ClientKey
	rev      uint64
}

func (m *meter) add(usd float64) {
	if usd <= 0 {
		return
	}
	m.mu.Lock()
	m.pending = sat.AddUSD(m.pending, usd)
	m.mu.Unlock()
}

func (m *meter) take() float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	p := m.pending
	m.pending = 0
	return p
}

// touch records a use at most once a second, so the common case is one
// atomic load and no write to a shared cache line.
func (m *meter) touch(now int64) {
	if now-m.lastUsed.Load() >= int64(time.Second) {
		m.lastUsed.Store(now)
	}
}

// SettledLocally records spend an in-process limiter took for this key
// (team false) or its team (team true), for Flush to persist.
func (e *Entry) SettledLocally(costUSD float64, team bool) {
	if team {
		if e.team != nil {
			e.team.add(costUSD)
		}
		return
	}
	e.meter.add(costUSD)
}

// TeamDenial says a refusal came from the team's limits, not the key's.
func TeamDenial(d *security.Denial) *security.Denial {
	c := *d
	c.Message = "team limit: " + strings.Replace(c.Message, "this API key", "this key's team", 1)
	return &c
}

// MaxTokens is the lower of the key's and the team's ceilings (0: none).
func (e *Entry) MaxTokens() int {
	k := e.Key.MaxTokens()
	if e.Team == nil {
		return k
	}
	t := e.Team.MaxTokens()
	switch {
	case k == 0:
		return t
	case t == 0:
		return k
	}
	return min(k, t)
}

// index is one immutable view of the usable keys; a change builds a new
// one and swaps it in, so the request path reads it without a lock.
type index struct {
	byHash map[[sha256.Size]byte]*Entry
	// byFingerprint maps the fingerprints of keys and teams to their
	// limits, for the Redis-backed limiter.
	byFingerprint map[string]Limits
}

// teamHash gives a team a stable identity of the same kind as a key's.
func teamHash(name string) [sha256.Size]byte {
	return sha256.Sum256([]byte("ai_backends team\x00" + name))
}

func decodeHash(s string) ([sha256.Size]byte, bool) {
	var h [sha256.Size]byte
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != sha256.Size {
		return h, false
	}
	copy(h[:], b)
	return h, true
}
