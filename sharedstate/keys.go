package sharedstate

import (
	"context"
	"strconv"
	"strings"
)

// Key layout, after Config.KeyPrefix. Every variable part is either last
// or self-delimiting, so no two logical keys share a Redis key whatever
// characters the caller's names contain:
//
//	rl:{key}                           GCRA bucket (hash: t, r, p)
//	spend:{periodMs}:{startMs}:{key}   spend counter, nano-USD ("0:0" = no period)
//	reserve:{key}                      budget holds of requests in flight (zset)
//	cache:{key}                        response cache entry
//	cooldown:{deployment}              provider cooldown (value "1", PX expiry)
//	breaker:{len(instance)}:{instance}:{deployment}  published breaker state
const (
	kindLimit    = "rl:"
	kindSpend    = "spend:"
	kindReserve  = "reserve:"
	kindCache    = "cache:"
	kindCooldown = "cooldown:"
	kindBreaker  = "breaker:"
)

// breakerName encodes an instance and deployment into one key suffix; the
// instance's length comes first so either name may contain ':'.
func breakerName(instance, deployment string) string {
	return strconv.Itoa(len(instance)) + ":" + instance + ":" + deployment
}

// parseBreakerName is the inverse of breakerName; ok is false for a name
// breakerName cannot have produced.
func parseBreakerName(name string) (instance, deployment string, ok bool) {
	i := strings.IndexByte(name, ':')
	if i <= 0 || i > 10 {
		return "", "", false
	}
	n, err := strconv.Atoi(name[:i])
	if err != nil || n < 0 || strconv.Itoa(n) != name[:i] {
		return "", "", false
	}
	rest := name[i+1:]
	if n >= len(rest) || rest[n] != ':' {
		return "", "", false
	}
	return rest[:n], rest[n+1:], true
}

// globEscape quotes the characters SCAN MATCH treats as patterns, so a key
// prefix chosen by the operator matches only itself.
func globEscape(s string) string {
	if !strings.ContainsAny(s, `*?[]\^`) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\^`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Bounds of a SCAN: the status API must answer within the time budget
// even if a misconfiguration filled Redis with keys.
const (
	scanCount    = 256  // COUNT hint per SCAN step
	scanMaxSteps = 64   // SCAN calls per listing
	scanMaxKeys  = 1000 // keys returned per listing
)

// scanKeys lists up to scanMaxKeys keys under prefix+kind, returning each
// one's name after that prefix.
func (s *Store) scanKeys(ctx context.Context, kind string) ([]string, error) {
	full := s.prefix + kind
	match := globEscape(full) + "*"
	var names []string
	seen := make(map[string]struct{})
	var cursor uint64
	for step := 0; step < scanMaxSteps; step++ {
		keys, next, err := s.client.Scan(ctx, cursor, match, scanCount).Result()
		if err != nil {
			return nil, err
		}
		for _, k := range keys {
			name, ok := strings.CutPrefix(k, full)
			if !ok {
				continue
			}
			if _, dup := seen[name]; dup { // SCAN may return a key twice
				continue
			}
			seen[name] = struct{}{}
			names = append(names, name)
			if len(names) == scanMaxKeys {
				return names, nil
			}
		}
		cursor = next
		if cursor == 0 {
			break
		}
	}
	return names, nil
}
