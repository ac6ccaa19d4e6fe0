package cache

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/ristretto/v2"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// Entry is one cached answer. Entries returned by Get are shared by every
// reader: treat them, and Body in particular, as read-only.
type Entry struct {
	Body     []byte // the OpenAI-format JSON response (chat completion or embedding)
	Model    string
	Provider string
	// Usage of the original upstream call, for metrics and cost accounting;
	// serving a hit costs nothing upstream.
	Usage    providers.Usage
	StoredAt time.Time // set by Set from the cache's clock when zero
}

// item is what the store holds: a private copy of the entry, its key (to
// rule out a hash collision serving the wrong answer) and the instants its
// fresh and stale windows end.
type item struct {
	key        string
	entry      Entry
	freshUntil time.Time
	staleUntil time.Time
}

// Cache is a byte-bounded store of answers. It is safe for concurrent use.
//
// Ristretto decides what stays: its cost is the entry's size in bytes, so
// the total stays within the configured size, and its admission policy
// keeps frequently asked answers over one-off ones when full.
type Cache struct {
	// mu makes Close exclusive: ristretto panics when used while closing,
	// and requests still in flight on an old config may use the cache.
	mu     sync.RWMutex
	closed bool
	store  *ristretto.Cache[string, *item]

	now      func() time.Time
	maxBytes int64
	maxEntry int64 // larger entries would evict too much to be worth it

	hits, misses, staleHits, sets, tooLarge atomic.Uint64
}

// entryOverhead approximates the bytes an entry costs beyond its key and
// body: the item and its copy of Entry, ristretto's store and policy
// records, and the expiry bucket.
const entryOverhead = 400

// Counter sizing: ristretto wants about ten admission counters per entry
// the cache can hold; entries are assumed to be about 1 KiB.
const (
	assumedEntryBytes = 1 << 10
	minCounters       = 1e4
	maxCounters       = 1 << 24 // ~50 MB of counters; more would buy nothing
)

// New returns a cache holding at most maxBytes of entries, judging
// freshness with now (time.Now when nil). Entries larger than a tenth of
// maxBytes are not stored.
func New(maxBytes int64, now func() time.Time) (*Cache, error) {
	if maxBytes <= 0 {
		return nil, fmt.Errorf("cache: max size must be positive, got %d bytes", maxBytes)
	}
	if now == nil {
		now = time.Now
	}
	counters := min(max(maxBytes/assumedEntryBytes*10, minCounters), maxCounters)
	store, err := ristretto.NewCache(&ristretto.Config[string, *item]{
		NumCounters:        counters,
		MaxCost:            maxBytes,
		BufferItems:        64,
		Metrics:            true,
		IgnoreInternalCost: true, // entryCost already counts the overhead
	})
	if err != nil {
		return nil, fmt.Errorf("cache: %w", err)
	}
	return &Cache{store: store, now: now, maxBytes: maxBytes, maxEntry: maxBytes / 10}, nil
}

// MaxBytes returns the configured size bound.
func (c *Cache) MaxBytes() int64 { return c.maxBytes }

// Get looks key up. ok is false on a miss. fresh is false when the entry
// is older than its TTL but still within its stale window: the caller may
// serve it when every upstream failed (stale_if_error), and should treat it
// as a miss otherwise. The entry is shared: do not modify it.
func (c *Cache) Get(key string) (e *Entry, fresh bool, ok bool) {
	c.mu.RLock()
	if c.closed {
		c.mu.RUnlock()
		c.misses.Add(1)
		return nil, false, false
	}
	it, found := c.store.Get(key)
	c.mu.RUnlock()
	if !found || it == nil || it.key != key {
		c.misses.Add(1)
		return nil, false, false
	}
	now := c.now()
	switch {
	case now.Before(it.freshUntil):
		c.hits.Add(1)
		return &it.entry, true, true
	case now.Before(it.staleUntil):
		c.staleHits.Add(1)
		return &it.entry, false, true
	}
	// Past both windows by our clock; ristretto drops it on its own clock.
	c.misses.Add(1)
	return nil, false, false
}

// Set stores a copy of e under key, fresh for ttl after e.StoredAt (now
// when zero) and then kept for staleFor more for stale_if_error. It
// reports whether the entry was handed to the store: false when it is too
// large, already past both windows, or the cache is closed. Ristretto
// applies sets asynchronously (see Wait) and may still refuse a new entry
// when full, if what it would evict is asked for more often.
func (c *Cache) Set(key string, e *Entry, ttl, staleFor time.Duration) bool {
	if e == nil {
		return false
	}
	it := &item{key: key, entry: *e}
	now := c.now()
	if it.entry.StoredAt.IsZero() {
		it.entry.StoredAt = now
	}
	it.freshUntil = it.entry.StoredAt.Add(max(ttl, 0))
	it.staleUntil = it.freshUntil.Add(max(staleFor, 0))
	keep := it.staleUntil.Sub(now)
	if keep <= 0 {
		return false
	}
	cost := entryCost(key, &it.entry)
	if cost > c.maxEntry {
		c.tooLarge.Add(1)
		return false
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.closed {
		return false
	}
	c.sets.Add(1)
	return c.store.SetWithTTL(key, it, cost, keep)
}

// entryCost is an entry's size in bytes, ristretto's unit of cost.
func entryCost(key string, e *Entry) int64 {
	return int64(len(key)+len(e.Body)+len(e.Model)+len(e.Provider)) + entryOverhead
}

// Delete removes key (for example an answer found to be bad).
func (c *Cache) Delete(key string) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if !c.closed {
		c.store.Del(key)
	}
}

// Wait blocks until every earlier Set has been applied, so tests (and
// anything needing read-your-writes) are deterministic.
func (c *Cache) Wait() {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if !c.closed {
		c.store.Wait()
	}
}

// Close drops every entry and stops ristretto's goroutines. Later calls
// behave as on an empty cache that stores nothing. Safe to call twice.
func (c *Cache) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	c.closed = true
	c.store.Close()
}
