package security

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

const (
	secretA = "sk-gw-alpha-0123456789abcdefghijklmnopqrstuvwxyz"
	secretB = "sk-gw-bravo-zyxwvutsrqponmlkjihgfedcba9876543210"
)

func mustKeyring(t testing.TB, cfgs ...ClientKeyConfig) *Keyring {
	t.Helper()
	r, err := NewKeyring(cfgs, newFakeClock().Now)
	if err != nil {
		t.Fatalf("NewKeyring: %v", err)
	}
	return r
}

func TestNewKeyringRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfgs []ClientKeyConfig
		want string
	}{
		{"empty key", []ClientKeyConfig{{Label: "a"}}, "key is empty"},
		{"duplicate key", []ClientKeyConfig{{Key: secretA}, {Label: "b", Key: secretA}}, "same key as client key #1"},
		{"whitespace", []ClientKeyConfig{{Key: " " + secretA}}, "whitespace"},
		{"negative rpm", []ClientKeyConfig{{Key: secretA, RequestsPerMinute: -1}}, "requests_per_minute"},
		{"huge tpm", []ClientKeyConfig{{Key: secretA, TokensPerMinute: maxPerMinute + 1}}, "tokens_per_minute"},
		{"negative budget", []ClientKeyConfig{{Key: secretA, BudgetUSD: -1}}, "budget"},
		{"negative period", []ClientKeyConfig{{Key: secretA, BudgetPeriod: -1}}, "budget period"},
		{"negative max tokens", []ClientKeyConfig{{Key: secretA, MaxTokens: -5}}, "max_tokens"},
		{"wildcard in middle", []ClientKeyConfig{{Key: secretA, AllowedModels: []string{"gpt-*-mini"}}}, "only supported at the end"},
		{"empty model pattern", []ClientKeyConfig{{Key: secretA, AllowedModels: []string{""}}}, "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewKeyring(tt.cfgs, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
			for _, c := range tt.cfgs {
				if c.Key != "" && strings.Contains(err.Error(), strings.TrimSpace(c.Key)) {
					t.Fatalf("error leaks the secret: %v", err)
				}
			}
		})
	}
}

func TestEmptyKeyringFailsClosed(t *testing.T) {
	r := mustKeyring(t)
	if r.Len() != 0 || r.Lookup(secretA) != nil {
		t.Fatal("an empty keyring must know no key")
	}
}

func TestLookup(t *testing.T) {
	r := mustKeyring(t, ClientKeyConfig{Label: "alpha", Key: secretA}, ClientKeyConfig{Label: "bravo", Key: secretB})
	if r.Len() != 2 {
		t.Fatalf("Len = %d", r.Len())
	}
	tests := []struct {
		presented string
		want      string // label, "" = nil
	}{
		{secretA, "alpha"},
		{secretB, "bravo"},
		{"", ""},
		{"wrong", ""},
		{secretA[:len(secretA)-1], ""},        // prefix of a key
		{secretA[:1], ""},                     // one-byte prefix
		{secretA + "x", ""},                   // key plus a suffix
		{strings.ToUpper(secretA), ""},        // case matters
		{secretA[:len(secretA)-1] + "Z", ""},  // last byte differs
		{" " + secretA, ""},                   // Lookup does not trim; KeyFromRequest does
		{string([]byte{0}) + secretA[1:], ""}, // first byte differs
		{strings.Repeat(secretA, 100), ""},    // long garbage
		{secretA[:len(secretA)/2] + secretB[len(secretB)/2:], ""}, // halves of two keys
	}
	for _, tt := range tests {
		got := r.Lookup(tt.presented)
		switch {
		case tt.want == "" && got != nil:
			t.Errorf("Lookup(%.12q...) = %q, want nil", tt.presented, got.Label())
		case tt.want != "" && (got == nil || got.Label() != tt.want):
			t.Errorf("Lookup(%.12q...) = %v, want %q", tt.presented, got, tt.want)
		}
	}
}

// TestLookupNeverMatchesAPrefix tries every proper prefix and every one-byte
// extension of a key: comparing whole digests, Lookup cannot match them.
func TestLookupNeverMatchesAPrefix(t *testing.T) {
	r := mustKeyring(t, ClientKeyConfig{Key: secretA})
	for n := 0; n < len(secretA); n++ {
		if r.Lookup(secretA[:n]) != nil {
			t.Fatalf("Lookup matched the %d-byte prefix", n)
		}
	}
	for b := 0; b < 256; b++ {
		if r.Lookup(secretA+string(rune(b))) != nil {
			t.Fatalf("Lookup matched the key plus byte %d", b)
		}
	}
}

func TestKeyDoesNotHoldTheSecret(t *testing.T) {
	r := mustKeyring(t, ClientKeyConfig{Label: "alpha", Key: secretA})
	for _, dump := range []string{fmt.Sprintf("%#v", *r), fmt.Sprintf("%#v", r.keys[0].hash), fmt.Sprintf("%+v", r.keys[0].label)} {
		if strings.Contains(dump, secretA) {
			t.Fatal("keyring keeps the secret in clear")
		}
	}
}

func TestFingerprint(t *testing.T) {
	fp := Fingerprint(secretA)
	if !regexp.MustCompile(`^kfp_[0-9a-f]{16}$`).MatchString(fp) {
		t.Fatalf("Fingerprint = %q, want kfp_ + 16 hex digits", fp)
	}
	if fp == Fingerprint(secretB) || fp != Fingerprint(secretA) {
		t.Fatal("fingerprints must be stable and distinct")
	}
	// SHA-256("abc") starts with ba7816bf8f01cfea.
	if got := Fingerprint("abc"); got != "kfp_ba7816bf8f01cfea" {
		t.Fatalf("Fingerprint(abc) = %q", got)
	}
	r := mustKeyring(t, ClientKeyConfig{Key: secretA})
	k := r.Lookup(secretA)
	if k.Fingerprint() != fp || k.Label() != fp {
		t.Fatalf("key fingerprint %q / default label %q, want %q", k.Fingerprint(), k.Label(), fp)
	}
}

func TestModelAllowed(t *testing.T) {
	tests := []struct {
		patterns []string
		model    string
		want     bool
	}{
		{nil, "anything", true},
		{[]string{"*"}, "anything", true},
		{[]string{"gpt-4o", "claude-*"}, "gpt-4o", true},
		{[]string{"gpt-4o", "claude-*"}, "gpt-4o-mini", false},
		{[]string{"gpt-4o", "claude-*"}, "claude-3-5-sonnet", true},
		{[]string{"gpt-4o", "claude-*"}, "claude", false},
		{[]string{"gpt-4o", "claude-*"}, "GPT-4o", false},
		{[]string{"gpt-4o", "claude-*"}, "", false},
		{[]string{"gpt-4o*"}, "gpt-4o", true},
		{[]string{"gpt-4o*"}, "gpt-4o-mini", true},
	}
	for _, tt := range tests {
		r := mustKeyring(t, ClientKeyConfig{Key: secretA, AllowedModels: tt.patterns})
		if got := r.Lookup(secretA).ModelAllowed(tt.model); got != tt.want {
			t.Errorf("patterns %q: ModelAllowed(%q) = %v, want %v", tt.patterns, tt.model, got, tt.want)
		}
	}
}

func TestKeyFromRequest(t *testing.T) {
	tests := []struct {
		name    string
		headers map[string]string
		want    string
	}{
		{"bearer", map[string]string{"Authorization": "Bearer " + secretA}, secretA},
		{"bearer lower case", map[string]string{"authorization": "bearer  " + secretA + " "}, secretA},
		{"anthropic", map[string]string{"x-api-key": secretA}, secretA},
		{"azure", map[string]string{"api-key": secretA}, secretA},
		{"bearer wins", map[string]string{"Authorization": "Bearer " + secretA, "x-api-key": secretB}, secretA},
		{"basic auth ignored", map[string]string{"Authorization": "Basic Zm9vOmJhcg==", "x-api-key": secretB}, secretB},
		{"empty bearer", map[string]string{"Authorization": "Bearer "}, ""},
		{"none", map[string]string{"Content-Type": "application/json"}, ""},
	}
	for _, tt := range tests {
		h := http.Header{}
		for k, v := range tt.headers {
			h.Set(k, v)
		}
		if got := KeyFromRequest(h); got != tt.want {
			t.Errorf("%s: KeyFromRequest = %q, want %q", tt.name, got, tt.want)
		}
	}
}
