package sharedstate

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

// Provider cooldowns: when a deployment answers 429, the instance that saw
// it publishes a cooldown with an expiry, and every instance consults it
// before calling that deployment, so one rate-limit signal spares them all.

// setCooldownScript sets the cooldown unless a longer one is in force, as
// the in-process breaker's CoolDown does. KEYS[1]: key; ARGV[1]: ms.
var setCooldownScript = redis.NewScript(`
local ms = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) >= ms then return 0 end
redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
return 1
`)

// SetCooldown makes deployment unavailable to every instance for d
// (rounded up to the millisecond). A longer cooldown already set is kept.
func (s *Store) SetCooldown(ctx context.Context, deployment string, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	ms := (d + time.Millisecond - 1) / time.Millisecond
	return s.do(ctx, opSetCooldown, func(ctx context.Context) error {
		return setCooldownScript.Run(ctx, s.client, []string{s.key(kindCooldown, deployment)}, int64(ms)).Err()
	})
}

// Cooldown is how long deployment remains cooling down; 0 when it is not.
func (s *Store) Cooldown(ctx context.Context, deployment string) (time.Duration, error) {
	var left time.Duration
	err := s.do(ctx, opCooldown, func(ctx context.Context) error {
		d, err := s.client.PTTL(ctx, s.key(kindCooldown, deployment)).Result()
		left = max(d, 0) // -2 (missing) and -1 (no expiry) come back negative
		return err
	})
	if err != nil {
		return 0, err
	}
	return left, nil
}

// Cooldowns lists every deployment cooling down, with the time left, for
// the status API. It reads at most 1000 keys (SCAN, bounded).
func (s *Store) Cooldowns(ctx context.Context) (map[string]time.Duration, error) {
	out := make(map[string]time.Duration)
	err := s.do(ctx, opCooldowns, func(ctx context.Context) error {
		names, err := s.scanKeys(ctx, kindCooldown)
		if err != nil || len(names) == 0 {
			return err
		}
		cmds := make([]*redis.DurationCmd, len(names))
		_, err = s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, name := range names {
				cmds[i] = p.PTTL(ctx, s.key(kindCooldown, name))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for i, name := range names {
			if d := cmds[i].Val(); d > 0 { // expired since the SCAN: skip
				out[name] = d
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
