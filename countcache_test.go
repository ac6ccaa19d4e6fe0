package aibackends

import (
	"testing"
	"time"
)

// TestCountCache: entries expire after the TTL and the least recently used
// goes first when the cache is full.
func TestCountCache(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	c := newCountCache(2, time.Minute)
	c.put("a", 1, true, now)
	c.put("b", 2, false, now)
	if n, exact, ok := c.get("a", now); !ok || n != 1 || !exact { // a is now the most recent
		t.Fatalf("a: %d %v %v", n, exact, ok)
	}
	c.put("c", 3, false, now) // evicts b
	if _, _, ok := c.get("b", now); ok {
		t.Error("b outlived an eviction it was first in line for")
	}
	if n, _, ok := c.get("c", now); !ok || n != 3 {
		t.Errorf("c: %d %v", n, ok)
	}
	if _, _, ok := c.get("a", now.Add(time.Minute)); ok {
		t.Error("a is served past its TTL")
	}
	if len(c.entries) != 1 || c.order.Len() != 1 {
		t.Errorf("an expired entry was kept: %d entries", len(c.entries))
	}
	c.put("c", 4, true, now.Add(2*time.Minute)) // an update renews it
	if n, exact, ok := c.get("c", now.Add(2*time.Minute+30*time.Second)); !ok || n != 4 || !exact {
		t.Errorf("updated c: %d %v %v", n, exact, ok)
	}
}

func TestCountCacheNil(t *testing.T) {
	var c *countCache
	c.put("a", 1, true, time.Now())
	if _, _, ok := c.get("a", time.Now()); ok {
		t.Fatal("a nil cache returned a count")
	}
}
