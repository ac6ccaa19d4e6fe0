package responses

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// DefaultTTL is how long a stored response lives unless configured: 30
// days, as at OpenAI.
const DefaultTTL = 30 * 24 * time.Hour

// MemoryConfig bounds a MemoryStore. Zero fields take the defaults.
type MemoryConfig struct {
	MaxEntries int              // default 10,000
	MaxBytes   int              // default 256 MiB (Stored.Size summed)
	TTL        time.Duration    // default DefaultTTL
	Now        func() time.Time // default time.Now; tests inject a clock
}

// MemoryStore is the in-process Store: bounded by count and bytes, the
// oldest entry evicted first, each entry expiring TTL after it was put.
type MemoryStore struct {
	cfg   MemoryConfig
	mu    sync.Mutex
	order *list.List // of *memEntry, oldest first
	byKey map[memKey]*list.Element
	bytes int
}

type memKey struct{ owner, id string }

type memEntry struct {
	key     memKey
	stored  *Stored
	size    int
	expires time.Time
}

// NewMemoryStore returns an empty store.
func NewMemoryStore(cfg MemoryConfig) *MemoryStore {
	if cfg.MaxEntries <= 0 {
		cfg.MaxEntries = 10000
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = 256 << 20
	}
	if cfg.TTL <= 0 {
		cfg.TTL = DefaultTTL
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &MemoryStore{cfg: cfg, order: list.New(), byKey: map[memKey]*list.Element{}}
}

// Put stores s, replacing an entry of the same owner and id, then evicts
// expired entries and the oldest ones until the bounds hold. An entry larger
// than MaxBytes is not kept at all.
func (m *MemoryStore) Put(_ context.Context, owner, id string, s *Stored) error {
	now := m.cfg.Now()
	e := &memEntry{key: memKey{owner, id}, stored: s, size: s.Size(), expires: now.Add(m.cfg.TTL)}
	m.mu.Lock()
	defer m.mu.Unlock()
	if el, ok := m.byKey[e.key]; ok {
		m.remove(el)
	}
	if e.size > m.cfg.MaxBytes {
		return nil
	}
	m.byKey[e.key] = m.order.PushBack(e)
	m.bytes += e.size
	for el := m.order.Front(); el != nil; el = m.order.Front() {
		old := el.Value.(*memEntry)
		if old.expires.After(now) && m.order.Len() <= m.cfg.MaxEntries && m.bytes <= m.cfg.MaxBytes {
			break
		}
		m.remove(el)
	}
	return nil
}

// Get returns the owner's entry for id unless it expired.
func (m *MemoryStore) Get(_ context.Context, owner, id string) (*Stored, error) {
	now := m.cfg.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	el, ok := m.byKey[memKey{owner, id}]
	if !ok {
		return nil, ErrNotFound
	}
	e := el.Value.(*memEntry)
	if !e.expires.After(now) {
		m.remove(el)
		return nil, ErrNotFound
	}
	return e.stored, nil
}

// Delete removes the owner's entry for id.
func (m *MemoryStore) Delete(_ context.Context, owner, id string) error {
	now := m.cfg.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	el, ok := m.byKey[memKey{owner, id}]
	if !ok {
		return ErrNotFound
	}
	expired := !el.Value.(*memEntry).expires.After(now)
	m.remove(el)
	if expired {
		return ErrNotFound
	}
	return nil
}

// Len reports the number of entries held (expired ones not yet swept included).
func (m *MemoryStore) Len() (entries, bytes int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.order.Len(), m.bytes
}

func (m *MemoryStore) remove(el *list.Element) {
	e := el.Value.(*memEntry)
	m.order.Remove(el)
	delete(m.byKey, e.key)
	m.bytes -= e.size
}

var _ Store = (*MemoryStore)(nil)
