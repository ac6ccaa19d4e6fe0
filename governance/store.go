package governance

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/caddyserver/certmagic"
)

// Storage layout. The state document holds every key and team; the
// marker holds its version alone, so polling for changes reads a few
// bytes instead of the whole document.
const (
	stateKey  = "ai_backends/governance/state.json"
	markerKey = "ai_backends/governance/version"
	spendKey  = "ai_backends/governance/spend.json"
	stateLock = "ai_backends_governance_state"
	spendLock = "ai_backends_governance_spend"
)

// state is the stored document.
type state struct {
	Version uint64  `json:"version"`
	Keys    []*Key  `json:"keys"`
	Teams   []*Team `json:"teams"`
}

// spendDoc is the persisted spend of every key and team (by id and by
// team name) in their current budget periods, and when keys were last used.
type spendDoc struct {
	Keys  map[string]spendRow `json:"keys"`
	Teams map[string]spendRow `json:"teams"`
}

type spendRow struct {
	// PeriodStart is the start of the budget period USD belongs to (zero
	// for a budget that never resets).
	PeriodStart time.Time `json:"period_start"`
	USD         float64   `json:"usd"`
	LastUsed    int64     `json:"last_used,omitempty"` // unix nanoseconds
}

func loadJSON(ctx context.Context, st certmagic.Storage, key string, v any) (bool, error) {
	raw, err := st.Load(ctx, key)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, json.Unmarshal(raw, v)
}

func storeJSON(ctx context.Context, st certmagic.Storage, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return st.Store(ctx, key, raw)
}

func loadState(ctx context.Context, st certmagic.Storage) (*state, error) {
	s := &state{}
	if _, err := loadJSON(ctx, st, stateKey, s); err != nil {
		return nil, err
	}
	return s, nil
}

// readMarker is the version of the stored state; 0 when there is none.
func readMarker(ctx context.Context, st certmagic.Storage) (uint64, error) {
	raw, err := st.Load(ctx, markerKey)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return strconv.ParseUint(strings.TrimSpace(string(raw)), 10, 64)
}

// saveState writes the document, then the marker: an instance that sees
// the new marker always finds the new document.
func saveState(ctx context.Context, st certmagic.Storage, s *state) error {
	if err := storeJSON(ctx, st, stateKey, s); err != nil {
		return err
	}
	return st.Store(ctx, markerKey, []byte(strconv.FormatUint(s.Version, 10)))
}

// withLock runs f holding the storage lock name, shared by every instance.
func withLock(ctx context.Context, st certmagic.Storage, name string, f func() error) error {
	if err := st.Lock(ctx, name); err != nil {
		return err
	}
	defer func() { _ = st.Unlock(context.WithoutCancel(ctx), name) }()
	return f()
}
