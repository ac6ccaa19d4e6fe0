package security

import (
	"crypto/sha256"
	"fmt"
	"time"
)

// HashKey is the SHA-256 of a presented key, computed as Lookup does
// (without a heap allocation for keys of ordinary length). Managed keys
// are indexed by it.
func HashKey(presented string) [sha256.Size]byte { return hashPresented(presented) }

// NewManagedKey builds a key whose secret the caller never holds: only its
// digest, as for keys and teams managed at run time. cfg.Key is ignored;
// every limit is validated as for a configured key. The result has the
// same limiter, budget and reservation behaviour as a Caddyfile key.
func NewManagedKey(hash [sha256.Size]byte, cfg ClientKeyConfig, now func() time.Time) (*ClientKey, error) {
	if now == nil {
		now = time.Now
	}
	cfg.Key = "managed" // validate checks the secret, which is not ours to see
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", describeConfig(ClientKeyConfig{Label: cfg.Label}), err)
	}
	return newClientKey(cfg, hash, now)
}

// ValidateLimits reports the first invalid limit in cfg, ignoring the
// secret: the admin API checks input with it before storing anything.
func ValidateLimits(cfg ClientKeyConfig) error {
	cfg.Key = "managed"
	if err := cfg.validate(); err != nil {
		return err
	}
	_, err := newModelMatcher(cfg.AllowedModels)
	return err
}

// Has reports whether a configured key has this digest. It is for
// configuration-time checks (a managed key must never share a secret with
// a Caddyfile key), not for authenticating requests.
func (r *Keyring) Has(hash [sha256.Size]byte) bool {
	if r == nil {
		return false
	}
	for i := range r.hashes {
		if r.hashes[i] == hash {
			return true
		}
	}
	return false
}
