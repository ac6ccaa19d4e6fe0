package aibackends

import (
	"container/list"
	"sync"
	"time"
)

// Token counts are cached per request shape: agents count the same growing
// conversation before every turn, and a count is cheap to keep (a key and
// an int) but costs an upstream round trip to make.
const (
	countCacheEntries = 4096
	countCacheTTL     = 10 * time.Minute
)

// countCache is a small LRU of token counts with a fixed time to live. It
// is safe for concurrent use.
type countCache struct {
	mu      sync.Mutex
	max     int
	ttl     time.Duration
	order   *list.List // front: most recently used; values are *countEntry
	entries map[string]*list.Element
}

type countEntry struct {
	key    string
	tokens int
	exact  bool
	until  time.Time
}

func newCountCache(max int, ttl time.Duration) *countCache {
	return &countCache{max: max, ttl: ttl, order: list.New(), entries: make(map[string]*list.Element, max)}
}

// get returns a fresh count for key. A nil cache (a handler that was not
// provisioned) holds nothing.
func (c *countCache) get(key string, now time.Time) (tokens int, exact, ok bool) {
	if c == nil {
		return 0, false, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, found := c.entries[key]
	if !found {
		return 0, false, false
	}
	e := el.Value.(*countEntry)
	if !now.Before(e.until) {
		c.order.Remove(el)
		delete(c.entries, key)
		return 0, false, false
	}
	c.order.MoveToFront(el)
	return e.tokens, e.exact, true
}

// put stores a count, evicting the least recently used entry when full.
func (c *countCache) put(key string, tokens int, exact bool, now time.Time) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, found := c.entries[key]; found {
		e := el.Value.(*countEntry)
		e.tokens, e.exact, e.until = tokens, exact, now.Add(c.ttl)
		c.order.MoveToFront(el)
		return
	}
	if c.order.Len() >= c.max {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.entries, oldest.Value.(*countEntry).key)
	}
	c.entries[key] = c.order.PushFront(&countEntry{key: key, tokens: tokens, exact: exact, until: now.Add(c.ttl)})
}
