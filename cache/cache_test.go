package cache

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/internal/testclock"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

func TestNewRejectsBadSize(t *testing.T) {
	for _, size := range []int64{0, -1} {
		if c, err := New(size, nil); err == nil {
			c.Close()
			t.Errorf("New(%d) succeeded", size)
		}
	}
}

func TestGetMissThenHit(t *testing.T) {
	c := newTestCache(t, 1<<20, nil)
	if _, _, ok := c.Get("k"); ok {
		t.Fatal("hit on empty cache")
	}
	want := &Entry{Body: []byte(`{"id":"x"}`), Model: "gpt", Provider: "openai", Usage: providers.Usage{TotalTokens: 7}}
	if !c.Set("k", want, time.Minute, 0) {
		t.Fatal("Set refused a small entry")
	}
	c.Wait()
	got, fresh, ok := c.Get("k")
	if !ok || !fresh {
		t.Fatalf("Get = ok %v fresh %v, want a fresh hit", ok, fresh)
	}
	if !bytes.Equal(got.Body, want.Body) || got.Model != "gpt" || got.Provider != "openai" || got.Usage.TotalTokens != 7 {
		t.Fatalf("Get returned %+v", got)
	}
	if got.StoredAt.IsZero() {
		t.Error("StoredAt not set")
	}
	s := c.Stats()
	if s.Hits != 1 || s.Misses != 1 || s.Sets != 1 || s.Entries != 1 {
		t.Errorf("stats %+v", s)
	}
}

func TestSetStoresACopy(t *testing.T) {
	c := newTestCache(t, 1<<20, nil)
	e := &Entry{Body: []byte("{}"), Model: "a"}
	c.Set("k", e, time.Minute, 0)
	c.Wait()
	e.Model = "changed"
	got, _, _ := c.Get("k")
	if got.Model != "a" {
		t.Fatalf("entry changed with the caller's value: %q", got.Model)
	}
	if !e.StoredAt.IsZero() {
		t.Error("Set wrote into the caller's entry")
	}
}

func TestFreshStaleAndExpired(t *testing.T) {
	clock := testclock.New()
	c := newTestCache(t, 1<<20, clock.Now)
	c.Set("k", &Entry{Body: []byte("{}")}, time.Minute, 5*time.Minute)
	c.Wait()

	steps := []struct {
		advance   time.Duration
		ok, fresh bool
	}{
		{0, true, true},
		{time.Minute - time.Nanosecond, true, true},
		{time.Nanosecond, true, false}, // exactly at TTL: stale
		{4 * time.Minute, true, false},
		{time.Minute - time.Nanosecond, true, false},
		{time.Nanosecond, false, false}, // end of the stale window
	}
	for i, s := range steps {
		clock.Advance(s.advance)
		_, fresh, ok := c.Get("k")
		if ok != s.ok || fresh != s.fresh {
			t.Fatalf("step %d: ok %v fresh %v, want ok %v fresh %v", i, ok, fresh, s.ok, s.fresh)
		}
	}
	st := c.Stats()
	if st.Hits != 2 || st.StaleHits != 3 || st.Misses != 1 {
		t.Errorf("stats %+v, want 2 hits, 3 stale hits, 1 miss", st)
	}
}

func TestNoStaleWindow(t *testing.T) {
	clock := testclock.New()
	c := newTestCache(t, 1<<20, clock.Now)
	c.Set("k", &Entry{Body: []byte("{}")}, time.Minute, 0)
	c.Wait()
	clock.Advance(time.Minute)
	if _, _, ok := c.Get("k"); ok {
		t.Fatal("entry served after its TTL without a stale window")
	}
}

func TestStoredAtGivenByCaller(t *testing.T) {
	clock := testclock.New()
	c := newTestCache(t, 1<<20, clock.Now)
	// Answered 50s ago (for example while the call was collapsed).
	c.Set("k", &Entry{Body: []byte("{}"), StoredAt: clock.Now().Add(-50 * time.Second)}, time.Minute, 0)
	c.Wait()
	if _, fresh, _ := c.Get("k"); !fresh {
		t.Fatal("not fresh within TTL of StoredAt")
	}
	clock.Advance(10 * time.Second)
	if _, _, ok := c.Get("k"); ok {
		t.Fatal("fresh beyond StoredAt+TTL")
	}
	// Already past both windows: not stored at all.
	if c.Set("old", &Entry{Body: []byte("{}"), StoredAt: clock.Now().Add(-time.Hour)}, time.Minute, time.Minute) {
		t.Fatal("Set accepted an entry past its stale window")
	}
}

func TestNilEntryAndZeroTTL(t *testing.T) {
	c := newTestCache(t, 1<<20, nil)
	if c.Set("k", nil, time.Minute, 0) {
		t.Error("Set accepted nil")
	}
	if c.Set("k", &Entry{}, 0, 0) {
		t.Error("Set accepted an entry with no window at all")
	}
	if !c.Set("k", &Entry{}, 0, time.Minute) {
		t.Error("Set refused an entry kept only for stale use")
	}
}

func TestTooLargeIsRejected(t *testing.T) {
	c := newTestCache(t, 100<<10, nil)
	big := &Entry{Body: make([]byte, 10<<10)} // with overhead > maxBytes/10
	if c.Set("big", big, time.Minute, 0) {
		t.Fatal("Set accepted an entry over a tenth of the cache")
	}
	c.Wait()
	if _, _, ok := c.Get("big"); ok {
		t.Fatal("too-large entry stored")
	}
	if s := c.Stats(); s.Rejected != 1 || s.Sets != 0 {
		t.Errorf("stats %+v, want 1 rejected", s)
	}
}

func TestSizeBound(t *testing.T) {
	const maxBytes = 64 << 10
	c := newTestCache(t, maxBytes, nil)
	body := make([]byte, 1<<10)
	const n = 500 // ~700 KiB of entries into 64 KiB
	for i := range n {
		c.Set(fmt.Sprintf("key-%03d", i), &Entry{Body: body}, time.Hour, 0)
		c.Wait()
	}
	s := c.Stats()
	if s.CostUsed > maxBytes || s.CostUsed <= 0 {
		t.Fatalf("cost used %d, want within (0, %d]", s.CostUsed, maxBytes)
	}
	perEntry := entryCost("key-000", &Entry{Body: body})
	if s.Entries <= 0 || s.Entries*perEntry != s.CostUsed {
		t.Errorf("entries %d × %d bytes != cost used %d", s.Entries, perEntry, s.CostUsed)
	}
	if s.Entries >= n || s.Evicted+s.Rejected == 0 {
		t.Errorf("nothing evicted or rejected: %+v", s)
	}
	found := 0
	for i := range n {
		if _, _, ok := c.Get(fmt.Sprintf("key-%03d", i)); ok {
			found++
		}
	}
	if int64(found) != s.Entries {
		t.Errorf("found %d entries, stats say %d", found, s.Entries)
	}
}

func TestDelete(t *testing.T) {
	c := newTestCache(t, 1<<20, nil)
	c.Set("k", &Entry{Body: []byte("{}")}, time.Minute, 0)
	c.Wait()
	c.Delete("k")
	c.Wait()
	if _, _, ok := c.Get("k"); ok {
		t.Fatal("deleted entry still served")
	}
}

func TestCloseIsFinalAndIdempotent(t *testing.T) {
	c, err := New(1<<20, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.Set("k", &Entry{Body: []byte("{}")}, time.Minute, 0)
	c.Wait()
	c.Close()
	c.Close()
	if _, _, ok := c.Get("k"); ok {
		t.Error("hit after Close")
	}
	if c.Set("k", &Entry{}, time.Minute, 0) {
		t.Error("Set accepted after Close")
	}
	c.Wait()
	c.Delete("k")
	_ = c.Stats()
}

// TestConcurrentUseAndClose runs readers and writers while the cache is
// closed under them (a config reload with requests in flight): no panic,
// no race.
func TestConcurrentUseAndClose(t *testing.T) {
	c, err := New(1<<20, nil)
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"ok":true}`)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for i := range 2000 {
				key := fmt.Sprintf("k%d", (g*7+i)%64)
				if i%3 == 0 {
					c.Set(key, &Entry{Body: body}, time.Minute, time.Minute)
				} else if e, _, ok := c.Get(key); ok && !bytes.Equal(e.Body, body) {
					t.Errorf("wrong body %q", e.Body)
					return
				}
				if i%500 == 0 {
					_ = c.Stats()
					c.Wait()
				}
			}
		}()
	}
	close(start)
	c.Close()
	wg.Wait()
}
