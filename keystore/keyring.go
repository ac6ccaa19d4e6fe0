package keystore

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"fmt"
)

// Keyring holds the master keys in use, newest first. The newest seals
// new ciphertexts; any of them opens old ones, which is what lets
// operators rotate: add a new key in front, re-encrypt, drop the old one.
// A Keyring is immutable and safe for concurrent use.
type Keyring struct {
	keys []MasterKey
}

// NewKeyring returns a keyring of keys, newest first. Zero-value keys are
// skipped.
func NewKeyring(keys ...MasterKey) *Keyring {
	kr := &Keyring{keys: make([]MasterKey, 0, len(keys))}
	for _, k := range keys {
		if k.Valid() {
			kr.keys = append(kr.keys, k)
		}
	}
	return kr
}

// ParseKeyring parses master keys given as text (see ParseMasterKey),
// newest first. An error names the position of the bad key, not its text.
func ParseKeyring(values ...string) (*Keyring, error) {
	keys := make([]MasterKey, 0, len(values))
	for i, v := range values {
		k, err := ParseMasterKey(v)
		if err != nil {
			for _, done := range keys {
				done.Wipe()
			}
			return nil, fmt.Errorf("master key %d: %w", i+1, err)
		}
		keys = append(keys, k)
	}
	return NewKeyring(keys...), nil
}

// Len is the number of usable master keys.
func (kr *Keyring) Len() int { return len(kr.keys) }

// IDs returns the master key ids, newest first.
func (kr *Keyring) IDs() []string {
	ids := make([]string, len(kr.keys))
	for i, k := range kr.keys {
		ids[i] = k.id
	}
	return ids
}

// Wipe zeroes every master key of the keyring (and of their copies).
func (kr *Keyring) Wipe() {
	for _, k := range kr.keys {
		k.Wipe()
	}
}

// Encrypt seals plaintext with the newest master key under a fresh random
// nonce, so encrypting the same key twice gives different texts.
func (kr *Keyring) Encrypt(plaintext string) (string, error) {
	if len(kr.keys) == 0 {
		return "", ErrNoMasterKey
	}
	if plaintext == "" {
		return "", ErrEmpty
	}
	if len(plaintext) > MaxPlaintextLen {
		return "", fmt.Errorf("keystore: the key is longer than %d bytes", MaxPlaintextLen)
	}
	k := kr.keys[0]
	aead, err := k.aead()
	if err != nil {
		return "", err
	}
	pt := []byte(plaintext)
	defer clear(pt)
	sealed := make([]byte, nonceSize, nonceSize+len(pt)+tagSize)
	if _, err := rand.Read(sealed); err != nil {
		return "", fmt.Errorf("keystore: reading random bytes: %w", err)
	}
	sealed = aead.Seal(sealed, sealed[:nonceSize], pt, additionalData(k.id))
	return envelope{keyID: k.id, sealed: sealed}.String(), nil
}

// Decrypt opens an encrypted key. The master key whose id the text names
// is tried first, then the others (ids are short and could collide).
// The decryption buffer is zeroed once copied into the returned string;
// Go strings cannot be wiped, so callers should hold the result only as
// long as they need it.
func (kr *Keyring) Decrypt(encrypted string) (string, error) {
	env, err := parseEnvelope(encrypted)
	if err != nil {
		return "", err
	}
	if len(kr.keys) == 0 {
		return "", ErrNoMasterKey
	}
	matched := false
	for _, pass := range []bool{true, false} {
		for _, k := range kr.keys {
			if (k.id == env.keyID) != pass {
				continue
			}
			matched = matched || pass
			if pt, ok := k.open(env); ok {
				s := string(pt)
				clear(pt)
				return s, nil
			}
		}
	}
	if !matched {
		return "", fmt.Errorf("%w: it was sealed with master key %s, which is not configured (configured: %v)",
			ErrDecrypt, env.keyID, kr.IDs())
	}
	return "", fmt.Errorf("%w with master key %s: wrong master key or tampered ciphertext", ErrDecrypt, env.keyID)
}

// Reencrypt opens an encrypted key with any configured master key and
// seals it again with the newest one (always with a new nonce).
func (kr *Keyring) Reencrypt(encrypted string) (string, error) {
	pt, err := kr.Decrypt(encrypted)
	if err != nil {
		return "", err
	}
	return kr.Encrypt(pt)
}

func (m MasterKey) aead() (cipher.AEAD, error) {
	block, err := aes.NewCipher(m.key[:])
	if err != nil {
		return nil, fmt.Errorf("keystore: %v", err) // only a size error: no key bytes
	}
	return cipher.NewGCM(block)
}

// open authenticates and decrypts env with m, false on any failure.
func (m MasterKey) open(env envelope) ([]byte, bool) {
	aead, err := m.aead()
	if err != nil {
		return nil, false
	}
	nonce, body := env.sealed[:nonceSize], env.sealed[nonceSize:]
	pt, err := aead.Open(nil, nonce, body, additionalData(env.keyID))
	if err != nil {
		return nil, false
	}
	return pt, true
}
