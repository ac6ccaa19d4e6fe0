package keystore

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
)

const secret = "sk-proj-THIS-IS-THE-SECRET-0123456789"

func mustKey(t testing.TB) (MasterKey, string) {
	t.Helper()
	text, err := GenerateMasterKey()
	if err != nil {
		t.Fatal(err)
	}
	k, err := ParseMasterKey(text)
	if err != nil {
		t.Fatal(err)
	}
	return k, text
}

// assertNoSecret fails when err's text holds the plaintext or any form of
// the master keys.
func assertNoSecret(t *testing.T, err error, keyTexts ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("expected an error")
	}
	msg := err.Error()
	for _, s := range append([]string{secret}, keyTexts...) {
		if s != "" && strings.Contains(msg, s) {
			t.Fatalf("error %q holds secret material", msg)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	k, _ := mustKey(t)
	kr := NewKeyring(k)
	for _, pt := range []string{secret, "x", "ключ with spaces and \n newline", strings.Repeat("a", MaxPlaintextLen)} {
		ct, err := kr.Encrypt(pt)
		if err != nil {
			t.Fatal(err)
		}
		if !IsEncrypted(ct) || !strings.HasPrefix(ct, Version1+":"+k.ID()+":") {
			t.Fatalf("ciphertext %q has not the expected prefix", ct[:20])
		}
		if len(pt) >= 8 && strings.Contains(ct, pt) { // a 1-byte text may occur in base64 by chance
			t.Fatal("ciphertext holds the plaintext")
		}
		got, err := kr.Decrypt(ct)
		if err != nil || got != pt {
			t.Fatalf("Decrypt = %q, %v", got, err)
		}
		// Surrounding whitespace, as in a config file, is fine.
		if got, err := kr.Decrypt(" " + ct + "\n"); err != nil || got != pt {
			t.Fatalf("Decrypt with spaces = %v", err)
		}
	}
}

func TestNonceIsFresh(t *testing.T) {
	k, _ := mustKey(t)
	kr := NewKeyring(k)
	a, _ := kr.Encrypt(secret)
	b, _ := kr.Encrypt(secret)
	if a == b {
		t.Fatal("two encryptions of the same key are identical")
	}
}

func TestEncryptLimits(t *testing.T) {
	k, _ := mustKey(t)
	kr := NewKeyring(k)
	if _, err := kr.Encrypt(""); !errors.Is(err, ErrEmpty) {
		t.Fatalf("empty: %v", err)
	}
	if _, err := kr.Encrypt(strings.Repeat("a", MaxPlaintextLen+1)); err == nil {
		t.Fatal("an oversized key was accepted")
	}
	if _, err := NewKeyring().Encrypt(secret); !errors.Is(err, ErrNoMasterKey) {
		t.Fatalf("no key: %v", err)
	}
	if _, err := NewKeyring(MasterKey{}).Encrypt(secret); !errors.Is(err, ErrNoMasterKey) {
		t.Fatalf("zero key: %v", err)
	}
}

func TestRotation(t *testing.T) {
	oldKey, oldText := mustKey(t)
	newKey, newText := mustKey(t)
	underOld, err := NewKeyring(oldKey).Encrypt(secret)
	if err != nil {
		t.Fatal(err)
	}
	both := NewKeyring(newKey, oldKey)
	if got, err := both.Decrypt(underOld); err != nil || got != secret {
		t.Fatalf("old ciphertext with both keys: %q %v", got, err)
	}
	re, err := both.Reencrypt(underOld)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(re, Version1+":"+newKey.ID()+":") {
		t.Fatalf("re-encrypted to the wrong key: %s", re[:15])
	}
	onlyNew := NewKeyring(newKey)
	if got, err := onlyNew.Decrypt(re); err != nil || got != secret {
		t.Fatalf("re-encrypted with the new key alone: %v", err)
	}
	_, err = onlyNew.Decrypt(underOld)
	if !errors.Is(err, ErrDecrypt) || !strings.Contains(err.Error(), oldKey.ID()) {
		t.Fatalf("old ciphertext without the old key: %v", err)
	}
	assertNoSecret(t, err, oldText, newText)
	if got := both.IDs(); len(got) != 2 || got[0] != newKey.ID() {
		t.Fatalf("IDs = %v", got)
	}
}

// A key that carries the sealing key's id with other bytes (an id
// collision, or an impostor) fails authentication without leaking either
// key; a keyring that tries it first falls back to the right key.
func TestKeyWithAnotherKeysID(t *testing.T) {
	right, rightText := mustKey(t)
	wrong, wrongText := mustKey(t)
	ct, _ := NewKeyring(right).Encrypt(secret)
	impostor := MasterKey{key: wrong.key, id: right.id}
	keyTexts := []string{rightText, wrongText, ct, hexOf(right), hexOf(wrong)}

	_, err := NewKeyring(impostor).Decrypt(ct)
	if !errors.Is(err, ErrDecrypt) || !strings.Contains(err.Error(), "wrong master key or tampered") {
		t.Fatalf("impostor: %v", err)
	}
	assertNoSecret(t, err, keyTexts...)
	if got, err := NewKeyring(impostor, right).Decrypt(ct); err != nil || got != secret {
		t.Fatalf("fallback: %v", err)
	}
	_, err = NewKeyring(wrong).Decrypt(ct)
	if !errors.Is(err, ErrDecrypt) {
		t.Fatalf("wrong key: %v", err)
	}
	assertNoSecret(t, err, keyTexts...)
}

func hexOf(k MasterKey) string { return hex.EncodeToString(k.key[:]) }

// TestTamperEveryByte changes each byte of the sealed data (nonce,
// ciphertext, tag) and each character of the text: none may decrypt.
func TestTamperEveryByte(t *testing.T) {
	k, text := mustKey(t)
	kr := NewKeyring(k)
	ct, _ := kr.Encrypt(secret)
	env, err := parseEnvelope(ct)
	if err != nil {
		t.Fatal(err)
	}
	for i := range env.sealed {
		for _, bit := range []byte{0x01, 0x80} {
			bad := envelope{keyID: env.keyID, sealed: append([]byte(nil), env.sealed...)}
			bad.sealed[i] ^= bit
			got, err := kr.Decrypt(bad.String())
			if err == nil {
				t.Fatalf("byte %d flipped by %#x decrypted to %q", i, bit, got)
			}
			assertNoSecret(t, err, text, ct)
		}
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_:"
	for i := range len(ct) {
		for _, c := range []byte{alphabet[(strings.IndexByte(alphabet, ct[i])+1)%len(alphabet)], 'A', '0'} {
			if c == ct[i] {
				continue
			}
			bad := ct[:i] + string(c) + ct[i+1:]
			if got, err := kr.Decrypt(bad); err == nil {
				t.Fatalf("char %d changed to %q decrypted to %q", i, c, got)
			} else {
				assertNoSecret(t, err, text, ct)
			}
		}
	}
	// Truncated and extended texts fail too.
	for _, bad := range []string{ct[:len(ct)-1], ct + "A", ct[:len(Version1)+10]} {
		if _, err := kr.Decrypt(bad); err == nil {
			t.Fatalf("%q decrypted", bad)
		}
	}
}

func TestFormatErrors(t *testing.T) {
	k, _ := mustKey(t)
	kr := NewKeyring(k)
	for _, s := range []string{
		"", secret, "aibk1", "aibk1:", "aibk1:zz:abc", "aibk1:ABCDEF12:" + strings.Repeat("A", 40),
		"aibk2:abcdef12:" + strings.Repeat("A", 40), "aibk1:abcdef12:!!!", "aibk1:abcdef12:AAAA",
		"aibk1:abcdef12:" + strings.Repeat("A", maxEncryptedLen),
	} {
		_, err := kr.Decrypt(s)
		if !errors.Is(err, ErrFormat) {
			t.Errorf("Decrypt(%.30q) = %v, want ErrFormat", s, err)
			continue
		}
		assertNoSecret(t, err)
	}
	if _, err := NewKeyring().Decrypt("aibk1:abcdef12:" + strings.Repeat("A", 40)); !errors.Is(err, ErrNoMasterKey) {
		t.Fatalf("empty keyring: %v", err)
	}
}

func TestParseMasterKey(t *testing.T) {
	raw := make([]byte, MasterKeySize)
	for i := range raw {
		raw[i] = byte(i*7 + 250) // includes bytes that differ between std and url base64
	}
	forms := []string{
		base64.StdEncoding.EncodeToString(raw),
		base64.RawStdEncoding.EncodeToString(raw),
		base64.URLEncoding.EncodeToString(raw),
		base64.RawURLEncoding.EncodeToString(raw),
		hex.EncodeToString(raw),
		strings.ToUpper(hex.EncodeToString(raw)),
		"  " + base64.StdEncoding.EncodeToString(raw) + "\n",
	}
	var id string
	for _, f := range forms {
		k, err := ParseMasterKey(f)
		if err != nil {
			t.Fatalf("%q: %v", f, err)
		}
		if id == "" {
			id = k.ID()
		}
		if k.ID() != id || len(id) != 8 {
			t.Fatalf("%q: id %q, want %q", f, k.ID(), id)
		}
	}
	for _, bad := range []string{"", "   ", "short", base64.StdEncoding.EncodeToString(raw[:31]),
		base64.StdEncoding.EncodeToString(append(raw, 1)), hex.EncodeToString(raw)[:63] + "g", "secret!" + hex.EncodeToString(raw)} {
		_, err := ParseMasterKey(bad)
		if !errors.Is(err, ErrMasterKey) {
			t.Fatalf("%q: %v", bad, err)
		}
		if b := strings.TrimSpace(bad); b != "" && strings.Contains(err.Error(), b) {
			t.Fatalf("error echoes the input: %v", err)
		}
	}
	if _, err := ParseKeyring(forms[0], "nope"); err == nil || !strings.Contains(err.Error(), "master key 2") {
		t.Fatalf("ParseKeyring: %v", err)
	}
	kr, err := ParseKeyring(forms[0], forms[4])
	if err != nil || kr.Len() != 2 {
		t.Fatalf("ParseKeyring: %v", err)
	}
}

func TestMasterKeyNeverPrints(t *testing.T) {
	k, text := mustKey(t)
	h := hexOf(k)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%X", "%d", "%q"} {
		out := fmt.Sprintf(verb, k) + fmt.Sprintf(verb, []MasterKey{k}) + fmt.Sprintf(verb, struct{ K MasterKey }{k})
		if strings.Contains(out, text) || strings.Contains(strings.ToLower(out), h) || !strings.Contains(out, k.ID()) {
			t.Fatalf("%s printed %q", verb, out)
		}
	}
}

func TestWipe(t *testing.T) {
	k, _ := mustKey(t)
	kr := NewKeyring(k)
	ct, _ := kr.Encrypt(secret)
	kr.Wipe()
	if *k.key != [MasterKeySize]byte{} {
		t.Fatal("key bytes not zeroed")
	}
	if _, err := kr.Decrypt(ct); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("decrypt after wipe: %v", err)
	}
}

func TestGenerateMasterKey(t *testing.T) {
	a, _ := GenerateMasterKey()
	b, _ := GenerateMasterKey()
	if a == b {
		t.Fatal("two generated keys are equal")
	}
	if raw, err := base64.StdEncoding.DecodeString(a); err != nil || len(raw) != MasterKeySize {
		t.Fatalf("generated key %d bytes, %v", len(raw), err)
	}
}
