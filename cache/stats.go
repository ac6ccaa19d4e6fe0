package cache

// Stats is a snapshot of a cache's counters (since New) and gauges, with
// JSON names for the admin API.
type Stats struct {
	Hits      uint64 `json:"hits"`       // lookups that found a fresh entry
	Misses    uint64 `json:"misses"`     // lookups that found nothing usable
	StaleHits uint64 `json:"stale_hits"` // lookups that found an entry past its TTL, within its stale window
	Sets      uint64 `json:"sets"`       // entries handed to the store
	// Rejected counts entries not stored: too large for the cache, dropped
	// by ristretto under write contention, or refused by its admission
	// policy when full.
	Rejected uint64 `json:"rejected"`
	// Evicted counts entries removed: to make room, after expiry (on
	// ristretto's clock) or by Delete.
	Evicted  uint64 `json:"evicted"`
	CostUsed int64  `json:"cost_used_bytes"` // bytes in use, as counted by entry cost
	MaxCost  int64  `json:"max_cost_bytes"`  // the size bound in bytes
	Entries  int64  `json:"entries"`         // entries held
}

// Stats returns the current counters. Counters from ristretto describe
// its asynchronous processing: call Wait first for exact numbers.
func (c *Cache) Stats() Stats {
	s := Stats{
		Hits:      c.hits.Load(),
		Misses:    c.misses.Load(),
		StaleHits: c.staleHits.Load(),
		Sets:      c.sets.Load(),
		Rejected:  c.tooLarge.Load(),
		MaxCost:   c.maxBytes,
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.closed {
		return s
	}
	m := c.store.Metrics
	s.Rejected += m.SetsRejected() + m.SetsDropped()
	s.Evicted = m.KeysEvicted()
	s.Entries = int64(m.KeysAdded()) - int64(s.Evicted)
	s.CostUsed = c.store.MaxCost() - c.store.RemainingCost()
	return s
}
