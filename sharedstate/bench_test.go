package sharedstate

import (
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// The added latency of the Redis path per request: one Allow round trip on
// loopback (one EVALSHA), for a single bucket and for a request's usual
// pair (requests and tokens per minute), serially and under parallel load.
// Limits are high enough that every call is admitted.

func BenchmarkAllow(b *testing.B) {
	s := newTestStore(b, shared, nil)
	b.ReportAllocs()
	for b.Loop() {
		if ok, _, err := s.Allow(bg(), "bench", MaxPerMinute, 1); err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
}

func BenchmarkAllowAllRequestsAndTokens(b *testing.B) {
	s := newTestStore(b, shared, nil)
	limits := []Limit{
		{Key: "bench:rpm", PerMinute: MaxPerMinute, Cost: 1},
		{Key: "bench:tpm", PerMinute: MaxPerMinute, Cost: 500},
	}
	b.ReportAllocs()
	for b.Loop() {
		if d, err := s.AllowAll(bg(), limits...); err != nil || !d.Allowed {
			b.Fatal(d, err)
		}
	}
}

// Parallel callers on distinct client keys, as a busy gateway would have.
func BenchmarkAllowParallel(b *testing.B) {
	s := newTestStore(b, shared, nil)
	var next atomic.Int64
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		key := "bench:" + strconv.FormatInt(next.Add(1), 10)
		for pb.Next() {
			if ok, _, err := s.Allow(bg(), key, MaxPerMinute, 1); err != nil || !ok {
				b.Error(ok, err)
				return
			}
		}
	})
}

func BenchmarkCacheGetHit(b *testing.B) {
	s := newTestStore(b, shared, nil)
	if err := s.CacheSet(bg(), "bench", make([]byte, 2048), time.Minute); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok, err := s.CacheGet(bg(), "bench"); err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
}

// The floor the figures above compare to: a bare PING round trip through
// the same client.
func BenchmarkPingBaseline(b *testing.B) {
	s := newTestStore(b, shared, nil)
	b.ReportAllocs()
	for b.Loop() {
		if err := s.client.Ping(bg()).Err(); err != nil {
			b.Fatal(err)
		}
	}
}
