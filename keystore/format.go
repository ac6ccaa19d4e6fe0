package keystore

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// Version1 is the format prefix: "aibk1:<key id>:<base64url(nonce|ciphertext|tag)>".
// The prefix and key id are the GCM additional data, so neither can be
// changed (for example to route decryption to another key) undetected.
const Version1 = "aibk1"

const (
	nonceSize = 12
	tagSize   = 16
	// maxEncryptedLen bounds the text we try to decode: API keys are short,
	// and a config value of megabytes is a mistake, not a key.
	maxEncryptedLen = 64 << 10
	// MaxPlaintextLen is the longest key Encrypt accepts.
	MaxPlaintextLen = 16 << 10
)

// encoding is strict so each sealed byte string has exactly one text form:
// a changed padding bit in the last character is an error, not a no-op.
var encoding = base64.RawURLEncoding.Strict()

// envelope is a parsed encrypted key.
type envelope struct {
	keyID  string
	sealed []byte // nonce | ciphertext | tag
}

// additionalData binds the version and key id to the sealed bytes.
func additionalData(keyID string) []byte { return []byte(Version1 + ":" + keyID) }

func (e envelope) String() string {
	return Version1 + ":" + e.keyID + ":" + encoding.EncodeToString(e.sealed)
}

// IsEncrypted reports whether s looks like an encrypted key (has the
// format prefix), so configuration can tell encrypted values from plain
// ones without trying to decrypt.
func IsEncrypted(s string) bool {
	return strings.HasPrefix(strings.TrimSpace(s), Version1+":")
}

// parseEnvelope splits and decodes s. Its errors describe the shape only.
func parseEnvelope(s string) (envelope, error) {
	s = strings.TrimSpace(s)
	if len(s) > maxEncryptedLen {
		return envelope{}, fmt.Errorf("%w: %d characters is longer than any encrypted key", ErrFormat, len(s))
	}
	version, rest, ok := strings.Cut(s, ":")
	if !ok || version != Version1 {
		if ok && strings.HasPrefix(version, "aibk") {
			return envelope{}, fmt.Errorf("%w: unsupported version (this build reads %q)", ErrFormat, Version1)
		}
		return envelope{}, fmt.Errorf("%w: expected %q", ErrFormat, Version1+":<key id>:<data>")
	}
	id, data, ok := strings.Cut(rest, ":")
	if !ok || !validKeyID(id) {
		return envelope{}, fmt.Errorf("%w: the key id must be %d lowercase hex digits", ErrFormat, 2*keyIDSize)
	}
	sealed, err := encoding.DecodeString(data)
	if err != nil {
		return envelope{}, fmt.Errorf("%w: the data is not unpadded base64url", ErrFormat)
	}
	if len(sealed) < nonceSize+tagSize {
		return envelope{}, fmt.Errorf("%w: the data is too short", ErrFormat)
	}
	return envelope{keyID: id, sealed: sealed}, nil
}

// validKeyID reports whether id is a key id in lowercase hex.
func validKeyID(id string) bool {
	return len(id) == 2*keyIDSize && strings.Trim(id, "0123456789abcdef") == ""
}
