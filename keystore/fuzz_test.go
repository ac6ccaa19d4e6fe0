package keystore

import (
	"strings"
	"testing"
)

// fuzzKeyring has a fixed key so the seeds include real ciphertexts.
var fuzzKeyring = func() *Keyring {
	kr, err := ParseKeyring(strings.Repeat("ab", MasterKeySize))
	if err != nil {
		panic(err)
	}
	return kr
}()

func FuzzDecrypt(f *testing.F) {
	ct, err := fuzzKeyring.Encrypt(secret)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{ct, ct[:len(ct)-2], "aibk1:", "aibk1:00000000:", "aibk1:abcdef12:" + strings.Repeat("A", 38),
		"aibk9:x:y", "", ":::", "aibk1:" + ct[6:14] + ":" + strings.Repeat("_", 60)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		pt, err := fuzzKeyring.Decrypt(s)
		if err == nil {
			// Only a genuine ciphertext opens: it must re-seal and reopen.
			again, err := fuzzKeyring.Reencrypt(s)
			if err != nil {
				t.Fatalf("decrypted but not re-encrypted: %v", err)
			}
			if back, err := fuzzKeyring.Decrypt(again); err != nil || back != pt {
				t.Fatalf("round trip after decrypt: %v", err)
			}
			return
		}
		if pt != "" {
			t.Fatal("plaintext returned with an error")
		}
		if strings.Contains(err.Error(), secret) {
			t.Fatalf("error holds the plaintext: %v", err)
		}
	})
}

func FuzzRoundTrip(f *testing.F) {
	for _, s := range []string{secret, "x", "\x00\xff", strings.Repeat("z", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pt string) {
		ct, err := fuzzKeyring.Encrypt(pt)
		if err != nil {
			if pt == "" || len(pt) > MaxPlaintextLen {
				return
			}
			t.Fatal(err)
		}
		got, err := fuzzKeyring.Decrypt(ct)
		if err != nil || got != pt {
			t.Fatalf("round trip: %v", err)
		}
	})
}

func FuzzParseMasterKey(f *testing.F) {
	for _, s := range []string{strings.Repeat("ab", 32), strings.Repeat("A", 43), strings.Repeat("A", 44), "", "=="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseMasterKey(s)
		if err != nil {
			if k.Valid() {
				t.Fatal("a key returned with an error")
			}
			return
		}
		if len(k.ID()) != 8 {
			t.Fatalf("id %q", k.ID())
		}
	})
}
