package sharedstate

import (
	"context"
	"time"
)

// Breakers stay per instance (each instance judges the deployments from
// its own traffic, as Envoy's outlier detection does); only their states
// are published so that every instance's status API shows the open ones.
// Each (instance, deployment) is one key with an expiry: the owner
// refreshes it while the breaker is not closed, and a crashed instance's
// entries vanish on their own.

// DefaultBreakerTTL is the expiry PublishBreaker uses for a ttl <= 0.
const DefaultBreakerTTL = 30 * time.Second

// PublishBreaker publishes the state of instanceID's breaker for
// deployment for ttl. State "" or "closed" removes the entry: closed is the
// normal state and is not listed.
func (s *Store) PublishBreaker(ctx context.Context, instanceID, deployment, state string, ttl time.Duration) error {
	if ttl <= 0 {
		ttl = DefaultBreakerTTL
	}
	k := s.key(kindBreaker, breakerName(instanceID, deployment))
	return s.do(ctx, opPublishBreaker, func(ctx context.Context) error {
		if state == "" || state == "closed" {
			return s.client.Del(ctx, k).Err()
		}
		return s.client.Set(ctx, k, state, ttl).Err()
	})
}

// Breakers returns the published breaker states: instance -> deployment ->
// state. It reads at most 1000 keys (SCAN, bounded).
func (s *Store) Breakers(ctx context.Context) (map[string]map[string]string, error) {
	out := make(map[string]map[string]string)
	err := s.do(ctx, opBreakers, func(ctx context.Context) error {
		names, err := s.scanKeys(ctx, kindBreaker)
		if err != nil || len(names) == 0 {
			return err
		}
		keys := make([]string, len(names))
		for i, name := range names {
			keys[i] = s.key(kindBreaker, name)
		}
		values, err := s.client.MGet(ctx, keys...).Result()
		if err != nil {
			return err
		}
		for i, name := range names {
			state, ok := values[i].(string) // nil: expired since the SCAN
			instance, deployment, valid := parseBreakerName(name)
			if !ok || !valid {
				continue
			}
			if out[instance] == nil {
				out[instance] = make(map[string]string)
			}
			out[instance][deployment] = state
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
