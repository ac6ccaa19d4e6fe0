package routing

import (
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/internal/testclock"
)

func TestCacheTTL(t *testing.T) {
	clock := testclock.New()
	c := NewCache(time.Minute, clock.Now)
	d := Decision{Order: []int{1, 0}, Provider: "b", Strategy: "cost"}
	c.Put("k", 7, d)

	if got, ok := c.Get("k", 7); !ok || got.Provider != "b" || len(got.Order) != 2 {
		t.Fatalf("fresh entry: %+v %v", got, ok)
	}
	clock.Advance(59 * time.Second)
	if _, ok := c.Get("k", 7); !ok {
		t.Fatal("entry expired before its TTL")
	}
	clock.Advance(time.Second)
	if _, ok := c.Get("k", 7); ok {
		t.Fatal("entry still served at its TTL")
	}
	// A new Put revives the key.
	c.Put("k", 7, d)
	if _, ok := c.Get("k", 7); !ok {
		t.Fatal("re-put entry missing")
	}
	if _, ok := c.Get("other", 7); ok {
		t.Fatal("hit for an unknown key")
	}
}

func TestCacheGenerationInvalidates(t *testing.T) {
	clock := testclock.New()
	c := NewCache(time.Hour, clock.Now)
	c.Put("k", 1, Decision{Provider: "a"})
	if _, ok := c.Get("k", 2); ok {
		t.Fatal("hit after the generation changed (a breaker moved)")
	}
	if _, ok := c.Get("k", 1); !ok {
		t.Fatal("the old generation's reader should still match its own entry")
	}
	c.Put("k", 2, Decision{Provider: "b"})
	if d, ok := c.Get("k", 2); !ok || d.Provider != "b" {
		t.Fatalf("new generation: %+v %v", d, ok)
	}
	if _, ok := c.Get("k", 1); ok {
		t.Fatal("old generation still served after the key was replaced")
	}
}

func TestCacheDisabled(t *testing.T) {
	for _, c := range []*Cache{NewCache(0, nil), NewCache(-time.Second, nil), nil} {
		c.Put("k", 0, Decision{Provider: "a"})
		if _, ok := c.Get("k", 0); ok {
			t.Fatal("disabled cache served a decision")
		}
		if c.Len() != 0 {
			t.Fatal("disabled cache holds entries")
		}
	}
}

// limitedCache is a cache of ttl on the clock now that holds at most limit
// entries, a limit small enough for a test to reach.
func limitedCache(ttl time.Duration, now func() time.Time, limit int) *Cache {
	c := NewCache(ttl, now)
	c.limit = limit
	return c
}

func TestCacheBounded(t *testing.T) {
	c := limitedCache(time.Hour, testclock.New().Now, 64)
	for i := range 1000 {
		c.Put(strconv.Itoa(i), 1, Decision{})
		if c.Len() > c.limit {
			t.Fatalf("%d entries after %d puts, limit %d", c.Len(), i+1, c.limit)
		}
	}
	// The newest entry always survives its own Put.
	if _, ok := c.Get("999", 1); !ok {
		t.Fatal("newest entry evicted")
	}
}

func TestCacheEvictsStaleFirst(t *testing.T) {
	clock := testclock.New()
	c := limitedCache(time.Minute, clock.Now, 16)
	for i := range 8 {
		c.Put("old-gen-"+strconv.Itoa(i), 1, Decision{}) // stale once gen 2 arrives
	}
	for i := range 8 {
		c.Put("fresh-"+strconv.Itoa(i), 2, Decision{})
	}
	c.Put("trigger", 2, Decision{}) // full: the sweep drops the 8 stale ones
	for i := range 8 {
		if _, ok := c.Get("fresh-"+strconv.Itoa(i), 2); !ok {
			t.Fatalf("fresh entry %d evicted while stale ones were available", i)
		}
	}
	if c.Len() != 9 {
		t.Fatalf("len %d, want 9", c.Len())
	}
	// Expired entries go the same way.
	clock.Advance(2 * time.Minute)
	for i := range 7 {
		c.Put("new-"+strconv.Itoa(i), 2, Decision{})
	}
	c.Put("trigger2", 2, Decision{})
	if c.Len() != 8 {
		t.Fatalf("len %d after expiry sweep, want 8", c.Len())
	}
}

func TestCacheConcurrent(t *testing.T) {
	c := limitedCache(time.Minute, nil, 32)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				k := strconv.Itoa((w * i) % 100)
				gen := uint64(i % 3)
				c.Put(k, gen, Decision{Provider: k})
				if d, ok := c.Get(k, gen); ok && d.Provider != k {
					t.Errorf("key %s returned %s", k, d.Provider)
				}
			}
		}()
	}
	wg.Wait()
}

func TestShapeKey(t *testing.T) {
	base := Request{Model: "smart", PromptTokens: 1000, MaxTokens: 200, Region: "us-east-1"}
	key := ShapeKey(&base, "cost")
	same := []Request{
		base,
		{Model: "smart", PromptTokens: 513, MaxTokens: 129, Region: "us-east-1"},  // same power-of-two buckets
		{Model: "smart", PromptTokens: 1024, MaxTokens: 256, Region: "US-EAST-2"}, // region reduced like geographic does
	}
	for _, r := range same {
		if got := ShapeKey(&r, "cost"); got != key {
			t.Errorf("ShapeKey(%+v) = %q, want %q", r, got, key)
		}
	}
	different := []Request{
		{Model: "other", PromptTokens: 1000, MaxTokens: 200, Region: "us-east-1"},
		{Model: "smart", PromptTokens: 1025, MaxTokens: 200, Region: "us-east-1"},
		{Model: "smart", PromptTokens: 1000, MaxTokens: 0, Region: "us-east-1"},
		{Model: "smart", PromptTokens: 1000, MaxTokens: 200, Region: "eu-west-1"},
		{Model: "smart", PromptTokens: 1000, MaxTokens: 200},
		{Model: "smart", PromptTokens: 1000, MaxTokens: 200, Region: "us-east-1", NeedsVision: true},
		{Model: "smart", PromptTokens: 1000, MaxTokens: 200, Region: "us-east-1", NeedsTools: true},
		{Model: "smart", PromptTokens: 1000, MaxTokens: 200, Region: "us-east-1", NeedsJSON: true},
		{Model: "smart", PromptTokens: 1000, MaxTokens: 200, Region: "us-east-1", Stream: true},
	}
	seen := map[string]bool{key: true}
	for _, r := range different {
		k := ShapeKey(&r, "cost")
		if seen[k] {
			t.Errorf("ShapeKey(%+v) = %q collides", r, k)
		}
		seen[k] = true
	}
	if ShapeKey(&base, "performance") == key {
		t.Error("strategy not part of the key")
	}
	long := base
	long.Region = strings.Repeat("x", 10_000)
	if k := ShapeKey(&long, "cost"); len(k) > len(key)+maxKeyRegion {
		t.Errorf("key of %d bytes for a huge region", len(k))
	}
	if ShapeKey(nil, "cost") == "" {
		t.Error("nil request")
	}
	if n := testing.AllocsPerRun(100, func() { ShapeKey(&base, "cost") }); n > 1 {
		t.Errorf("ShapeKey allocates %v times, want 1", n)
	}
}

func TestTokenBucket(t *testing.T) {
	for _, tt := range []struct {
		n    int
		want byte
	}{{-1, '0'}, {0, '0'}, {1, 'A'}, {2, 'B'}, {3, 'C'}, {4, 'C'}, {5, 'D'}, {1024, 'K'}, {1025, 'L'}} {
		if got := tokenBucket(tt.n); got != tt.want {
			t.Errorf("tokenBucket(%d) = %c, want %c", tt.n, got, tt.want)
		}
	}
}
