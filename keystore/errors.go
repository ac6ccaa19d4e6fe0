package keystore

import "errors"

// The errors callers may test with errors.Is. Their texts, and the
// details wrapped with them, never hold key material or plaintext.
var (
	// ErrMasterKey: a master key could not be parsed.
	ErrMasterKey = errors.New("invalid master key")
	// ErrNoMasterKey: the keyring is empty.
	ErrNoMasterKey = errors.New("no master key configured")
	// ErrFormat: the text is not an encrypted key of a known version.
	ErrFormat = errors.New("not an encrypted key")
	// ErrDecrypt: authentication failed (wrong master key or tampered text).
	ErrDecrypt = errors.New("cannot decrypt key")
	// ErrEmpty: there is nothing to encrypt.
	ErrEmpty = errors.New("the key to encrypt is empty")
)
