package metrics

import (
	"sync"
	"sync/atomic"
)

// maxCachedSeries bounds each cache: label values come from configured
// names, so a bigger set means a caller passed unnormalised input. Past the
// bound, lookups still work but are not cached.
const maxCachedSeries = 4096

// cowMap is a read-mostly map: readers load an immutable snapshot without
// locking or allocating; writers, rare because the label sets are small and
// fixed by the config, copy it under a mutex. This keeps label lookups off
// the hot path's cost (a WithLabelValues call hashes every label value).
type cowMap[K comparable, V any] struct {
	snap  atomic.Pointer[map[K]V]
	mu    sync.Mutex
	limit int // 0 = maxCachedSeries
}

// get returns the cached value for k, creating it with create on first use.
func (c *cowMap[K, V]) get(k K, create func() V) V {
	if m := c.snap.Load(); m != nil {
		if v, ok := (*m)[k]; ok {
			return v
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.snap.Load()
	if old != nil {
		if v, ok := (*old)[k]; ok {
			return v
		}
	}
	v := create()
	limit := c.limit
	if limit <= 0 {
		limit = maxCachedSeries
	}
	if lenOf(old) >= limit {
		return v
	}
	next := make(map[K]V, 1+lenOf(old))
	if old != nil {
		for key, val := range *old {
			next[key] = val
		}
	}
	next[k] = v
	c.snap.Store(&next)
	return v
}

// each calls f for every cached entry of the current snapshot.
func (c *cowMap[K, V]) each(f func(K, V)) {
	if m := c.snap.Load(); m != nil {
		for k, v := range *m {
			f(k, v)
		}
	}
}

func lenOf[K comparable, V any](m *map[K]V) int {
	if m == nil {
		return 0
	}
	return len(*m)
}
