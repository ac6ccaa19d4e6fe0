package routing

import (
	"math/bits"
	"sync"
	"time"
)

// DefaultCacheEntries bounds a Cache.
const DefaultCacheEntries = 4096

// Cache keeps decisions per request shape for a TTL, so that requests of
// the same shape skip the strategy.
//
// Every entry carries the generation the caller passed when storing it;
// Get with a different generation misses. The caller derives the
// generation from everything a decision depends on that can change without
// a config reload: the sum of its breakers' generations and health
// versions, typically. A decision also depends on the candidate list, so
// use one Cache per configuration (per handler instance).
//
// Decisions returned by Get share their slices with the cache and with
// every other caller: treat them as read-only.
//
// A Cache is safe for concurrent use. The zero TTL disables it.
type Cache struct {
	ttl     time.Duration
	now     func() time.Time
	limit   int
	mu      sync.RWMutex
	entries map[string]cacheEntry
}

type cacheEntry struct {
	gen     uint64
	expires time.Time
	d       Decision
}

// NewCache returns a cache whose entries live for ttl (ttl <= 0: nothing is
// cached), reading the time from now (nil: time.Now).
func NewCache(ttl time.Duration, now func() time.Time) *Cache {
	if now == nil {
		now = time.Now
	}
	return &Cache{ttl: ttl, now: now, limit: DefaultCacheEntries, entries: map[string]cacheEntry{}}
}

// Get returns the decision stored under key, if it was stored with
// generation gen and has not expired.
func (c *Cache) Get(key string, gen uint64) (Decision, bool) {
	if c == nil || c.ttl <= 0 {
		return Decision{}, false
	}
	c.mu.RLock()
	e, ok := c.entries[key]
	c.mu.RUnlock()
	if !ok || e.gen != gen || !c.now().Before(e.expires) {
		return Decision{}, false
	}
	return e.d, true
}

// Put stores d under key for generation gen. When the cache is full it
// first drops entries that are expired or from another generation, then,
// if that freed too little, arbitrary ones (an eighth of the cache at a
// time, so the cost of a sweep is spread over many Puts).
func (c *Cache) Put(key string, gen uint64, d Decision) {
	if c == nil || c.ttl <= 0 {
		return
	}
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, exists := c.entries[key]; !exists && len(c.entries) >= c.limit {
		c.evictLocked(gen, now)
	}
	c.entries[key] = cacheEntry{gen: gen, expires: now.Add(c.ttl), d: d}
}

// Len returns the number of entries, stale ones included.
func (c *Cache) Len() int {
	if c == nil {
		return 0
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.entries)
}

func (c *Cache) evictLocked(gen uint64, now time.Time) {
	target := max(len(c.entries)/8, 1)
	freed := 0
	for k, e := range c.entries {
		if e.gen != gen || !now.Before(e.expires) {
			delete(c.entries, k)
			freed++
		}
	}
	for k := range c.entries { // map order: an arbitrary victim
		if freed >= target {
			return
		}
		delete(c.entries, k)
		freed++
	}
}

// maxKeyRegion caps the region's share of a key: the region can come from
// a client header, and the cache must not hold arbitrarily long keys.
const maxKeyRegion = 64

// ShapeKey builds the cache key of a request shape under a strategy: the
// strategy, the model, the capability needs and streaming, the prompt and
// output token counts rounded up to powers of two, and the region reduced
// to what geographic routing distinguishes (lower case, without a zone
// number). Requests with the same key get the same decision, except near a
// context window limit, which a rounded token count can blur.
func ShapeKey(req *Request, strategy string) string {
	if req == nil {
		req = &noRequest
	}
	var arr [160]byte
	b := append(arr[:0], strategy...)
	b = append(b, '|')
	b = append(b, req.Model...)
	b = append(b, '|')
	var flags byte
	for i, on := range [...]bool{req.NeedsVision, req.NeedsTools, req.NeedsJSON, req.Stream} {
		if on {
			flags |= 1 << i
		}
	}
	b = append(b, "0123456789abcdef"[flags], tokenBucket(req.PromptTokens), tokenBucket(req.MaxTokens), '|')
	region := baseRegion(req.Region)
	if len(region) > maxKeyRegion {
		region = region[:maxKeyRegion]
	}
	b = append(b, region...)
	return string(b)
}

// tokenBucket encodes n rounded up to a power of two as one byte: '0' for
// none, then 'A' + log2 of the bucket (1 → 'A', 2 → 'B', 3..4 → 'C', …).
func tokenBucket(n int) byte {
	if n <= 0 {
		return '0'
	}
	return 'A' + byte(bits.Len(uint(n-1)))
}
