// Package keystore encrypts upstream API keys at rest with a master key,
// so a configuration file or repository can hold them without exposing
// them. The format is self-describing (version, master key id, sealed
// data) and authenticated: a wrong master key or any change to the text
// fails to decrypt instead of yielding a wrong key.
//
// Nothing in this package puts key material or plaintext in an error,
// and master keys print only as their id.
package keystore

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
)

// MasterKeySize is the length of a master key: AES-256.
const MasterKeySize = 32

// keyIDSize is how many bytes of the key's hash name it in ciphertexts:
// enough to choose among a handful of rotated keys, far too few to help
// an attacker.
const keyIDSize = 4

// MasterKey is one AES-256 key. Copies share the same bytes, so Wipe on
// any copy clears them all. The zero value is not a usable key.
type MasterKey struct {
	key *[MasterKeySize]byte
	id  string
}

// ParseMasterKey reads a master key given as base64 (standard or URL
// alphabet, padded or not) or as 64 hex digits. Surrounding whitespace is
// ignored, so a key file may end with a newline.
func ParseMasterKey(s string) (MasterKey, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return MasterKey{}, fmt.Errorf("%w: it is empty", ErrMasterKey)
	}
	raw := decodeMasterKey(s)
	if raw == nil {
		return MasterKey{}, fmt.Errorf("%w: want %d bytes as base64 or %d hex digits (input of %d characters does not decode to that)",
			ErrMasterKey, MasterKeySize, 2*MasterKeySize, len(s))
	}
	defer clear(raw)
	return newMasterKey(raw), nil
}

// decodeMasterKey returns the 32 key bytes, or nil. Hex comes first: 64
// hex digits are also valid base64, but of 48 bytes, so the order only
// decides which error a wrong input would have had.
func decodeMasterKey(s string) []byte {
	if len(s) == 2*MasterKeySize {
		if b, err := hex.DecodeString(s); err == nil {
			return b
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		b, err := enc.DecodeString(s)
		if err == nil && len(b) == MasterKeySize {
			return b
		}
		clear(b)
	}
	return nil
}

func newMasterKey(raw []byte) MasterKey {
	k := new([MasterKeySize]byte)
	copy(k[:], raw)
	return MasterKey{key: k, id: keyID(k)}
}

// keyID names a master key in ciphertexts. The hash is domain-separated
// so the id is useless as a hash of the key for anything else.
func keyID(k *[MasterKeySize]byte) string {
	h := sha256.New()
	io.WriteString(h, "caddy-ai-backends keystore key id\x00")
	h.Write(k[:])
	return hex.EncodeToString(h.Sum(nil)[:keyIDSize])
}

// GenerateMasterKey returns a new random master key as standard base64.
func GenerateMasterKey() (string, error) {
	raw := make([]byte, MasterKeySize)
	defer clear(raw)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("keystore: reading random bytes: %w", err)
	}
	return base64.StdEncoding.EncodeToString(raw), nil
}

// ID is the key's public fingerprint (8 hex digits), as written in the
// ciphertexts it seals. Empty for the zero value.
func (m MasterKey) ID() string { return m.id }

// Valid reports whether m holds a key (it is not the zero value).
func (m MasterKey) Valid() bool { return m.key != nil }

// Wipe zeroes the key bytes, for every copy of m. Use it when the
// configuration holding the key is unloaded.
func (m MasterKey) Wipe() {
	if m.key != nil {
		clear(m.key[:])
	}
}

// String shows only the id, so a master key logged by mistake leaks nothing.
func (m MasterKey) String() string { return "MasterKey(" + m.id + ")" }

// GoString keeps %#v as safe as %v.
func (m MasterKey) GoString() string { return m.String() }

// Format makes every fmt verb (%x and %d included) print only the id.
func (m MasterKey) Format(f fmt.State, _ rune) { io.WriteString(f, m.String()) }
