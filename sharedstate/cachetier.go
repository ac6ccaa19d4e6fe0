package sharedstate

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// The cache tier stores opaque bytes (the caller's encoded cache entry)
// under the caller's key with a TTL. It sits behind the in-process cache:
// look up locally first, then here, and copy a hit into the local cache.

// CacheGet returns the value stored under key; ok is false on a miss or
// an expired entry. err != nil means Redis is unavailable: treat it as a
// miss.
func (s *Store) CacheGet(ctx context.Context, key string) (value []byte, ok bool, err error) {
	err = s.do(ctx, opCacheGet, func(ctx context.Context) error {
		v, err := s.client.Get(ctx, s.key(kindCache, key)).Bytes()
		if errors.Is(err, redis.Nil) {
			return nil
		}
		if err == nil {
			value, ok = v, true
		}
		return err
	})
	if err != nil {
		return nil, false, err
	}
	return value, ok, nil
}

// CacheSet stores value under key for ttl (millisecond precision, rounded
// up). A non-positive ttl stores nothing. Every instance sees the entry
// until it expires.
func (s *Store) CacheSet(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if ttl <= 0 {
		return nil
	}
	ttl = (ttl + time.Millisecond - 1).Truncate(time.Millisecond)
	return s.do(ctx, opCacheSet, func(ctx context.Context) error {
		return s.client.Set(ctx, s.key(kindCache, key), value, ttl).Err()
	})
}
