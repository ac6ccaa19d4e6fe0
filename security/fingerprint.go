package security

import (
	"crypto/sha256"
	"encoding/hex"
)

// fingerprintPrefix marks a value as a key fingerprint, so that nobody reading
// a log mistakes it for a truncated secret.
const fingerprintPrefix = "kfp_"

// fingerprintBytes is how much of the SHA-256 digest a fingerprint shows:
// enough to tell configured keys apart, far too little to help an attacker.
const fingerprintBytes = 8

// Fingerprint returns a short, non-reversible identifier for a secret, such
// as "kfp_1a2b3c4d5e6f7a8b" (the first 8 bytes of SHA-256(secret) in hex).
//
// Logs, metrics and audit records use it to tell which key (client or
// upstream) was involved without ever containing the key. It is only safe for
// high-entropy secrets such as API keys: a guessable password could be
// recovered from its fingerprint by brute force.
func Fingerprint(secret string) string {
	return fingerprintOf(sha256.Sum256([]byte(secret)))
}

// fingerprintOf formats an already computed digest, so that the keyring hashes
// each configured secret exactly once.
func fingerprintOf(sum [sha256.Size]byte) string {
	return fingerprintPrefix + hex.EncodeToString(sum[:fingerprintBytes])
}
