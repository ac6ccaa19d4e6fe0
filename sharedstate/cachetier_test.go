package sharedstate

import (
	"bytes"
	"testing"
	"time"
)

// An entry written by one instance is served by the other, with its TTL.
func TestCacheTierAcrossInstances(t *testing.T) {
	a, b := twoInstances(t, nil)
	raw := rawClient(t, shared)
	value := []byte(`{"id":"chatcmpl-1","choices":[]}` + "\x00\xff binary-safe")

	if err := a.CacheSet(bg(), "client|key", value, 90*time.Second); err != nil {
		t.Fatal(err)
	}
	got, ok, err := b.CacheGet(bg(), "client|key")
	if err != nil || !ok || !bytes.Equal(got, value) {
		t.Fatalf("b.CacheGet = %q, %v, %v", got, ok, err)
	}
	if pttl := raw.PTTL(bg(), a.key(kindCache, "client|key")).Val(); pttl <= 89*time.Second || pttl > 90*time.Second {
		t.Fatalf("PTTL = %v, want about 90s", pttl)
	}
	if _, ok, err := b.CacheGet(bg(), "client|other"); ok || err != nil {
		t.Fatalf("miss = %v, %v", ok, err)
	}
	// A non-positive TTL stores nothing.
	if err := a.CacheSet(bg(), "zero", value, 0); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := b.CacheGet(bg(), "zero"); ok {
		t.Fatal("an entry with TTL 0 was stored")
	}
	// A sub-millisecond TTL is rounded up, not to "no expiry".
	if err := a.CacheSet(bg(), "short", value, time.Microsecond); err != nil {
		t.Fatal(err)
	}
	if pttl := raw.PTTL(bg(), a.key(kindCache, "short")).Val(); pttl == -1 {
		t.Fatal("a sub-millisecond TTL stored the entry without expiry")
	}
	// Expiry is Redis's own: wait (bounded) for the 1ms entry to go.
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, ok, _ := b.CacheGet(bg(), "short"); !ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a 1ms entry was still served after 5s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
