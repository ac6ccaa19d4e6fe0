package security

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"time"
)

// Keyring authenticates callers against the configured client keys. It keeps
// only SHA-256 hashes of the secrets.
type Keyring struct {
	hashes [][sha256.Size]byte // hashes[i] belongs to keys[i]; contiguous for a fast scan
	keys   []*ClientKey
}

// NewKeyring validates the configured keys and builds the ring. It refuses
// empty and duplicate keys (a duplicate would make the limits of one of the
// two silently unreachable). now is the clock used for rate limits and
// budgets; nil means time.Now.
//
// An empty cfgs gives an empty ring whose Lookup always fails: it fails
// closed, so the caller decides whether "no keys configured" means "open".
func NewKeyring(cfgs []ClientKeyConfig, now func() time.Time) (*Keyring, error) {
	if now == nil {
		now = time.Now
	}
	r := &Keyring{
		hashes: make([][sha256.Size]byte, 0, len(cfgs)),
		keys:   make([]*ClientKey, 0, len(cfgs)),
	}
	seen := make(map[[sha256.Size]byte]int, len(cfgs)) // construction only, never on the request path
	for i, cfg := range cfgs {
		if err := cfg.validate(); err != nil {
			return nil, fmt.Errorf("client key #%d (%s): %w", i+1, describeConfig(cfg), err)
		}
		hash := sha256.Sum256([]byte(cfg.Key))
		if first, dup := seen[hash]; dup {
			return nil, fmt.Errorf("client key #%d (%s): same key as client key #%d", i+1, describeConfig(cfg), first+1)
		}
		seen[hash] = i
		key, err := newClientKey(cfg, hash, now)
		if err != nil {
			return nil, fmt.Errorf("client key #%d (%s): %w", i+1, describeConfig(cfg), err)
		}
		r.hashes = append(r.hashes, hash)
		r.keys = append(r.keys, key)
	}
	return r, nil
}

// describeConfig names a key in an error message without revealing it.
func describeConfig(cfg ClientKeyConfig) string {
	if cfg.Label != "" {
		return fmt.Sprintf("label %q", cfg.Label)
	}
	if cfg.Key == "" {
		return "no label"
	}
	return Fingerprint(cfg.Key)
}

// Len is the number of configured keys.
func (r *Keyring) Len() int { return len(r.keys) }

// Lookup returns the key matching the presented secret, or nil.
//
// It runs in time independent of which key (if any) matches and of how much
// of the secret is right: the presented value is hashed, and the digest is
// compared with subtle.ConstantTimeCompare against every stored hash without
// an early exit; the match index is picked with ConstantTimeSelect. Comparing
// fixed-size digests also hides the length of the stored secrets, and no map
// is ever indexed by secret-derived bytes.
//
// An empty presented value needs no special case: empty keys are refused at
// configuration time, so its digest matches nothing.
func (r *Keyring) Lookup(presented string) *ClientKey {
	digest := hashPresented(presented)
	found := -1
	for i := range r.hashes {
		match := subtle.ConstantTimeCompare(digest[:], r.hashes[i][:])
		found = subtle.ConstantTimeSelect(match, i, found)
	}
	if found < 0 {
		return nil
	}
	return r.keys[found]
}

// maxStackKey is the longest presented key hashed without a heap allocation.
// Real API keys are well under it; longer values still work, just allocate.
const maxStackKey = 256

// hashPresented is sha256.Sum256([]byte(s)) without the allocation that the
// conversion costs for values over 32 bytes, keeping the hot path
// allocation-free.
func hashPresented(s string) [sha256.Size]byte {
	if len(s) > maxStackKey {
		return sha256.Sum256([]byte(s))
	}
	var buf [maxStackKey]byte
	n := copy(buf[:], s)
	return sha256.Sum256(buf[:n])
}
