package google

import (
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
)

func TestToolCallIDRoundTrip(t *testing.T) {
	longSig := strings.Repeat("QUJD", 500) // 2000 chars of canonical base64
	markerBytes, err := b64url.DecodeString("AA__ts__A__tsr__")
	if err != nil {
		t.Fatal(err)
	}
	markerSig := base64.StdEncoding.EncodeToString(markerBytes) // its base64url form holds both markers
	tests := []struct {
		name, base, sig string
		wantID          string // "" = only check the round trip
	}{
		{"no signature", "call_0123456789abcdef01234567", "", "call_0123456789abcdef01234567"},
		{"canonical base64", "call_0123456789abcdef01234567", "c2lnbmF0dXJl", "call_0123456789abcdef01234567__ts__c2lnbmF0dXJl"},
		{"padded base64 with + and /", "call_x", "+/+/AA==", "call_x__ts__-_-_AA"},
		{"not base64", "abc", "sig-1", "abc__tsr__c2lnLTE"},
		{"unpadded base64 kept as text", "abc", "AAA", "abc__tsr__QUFB"},
		{"long", "g1", longSig, ""},
		{"signature text holding a marker", "call_x", markerSig, ""},
	}
	idChars := regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := encodeToolCallID(tt.base, tt.sig)
			if tt.wantID != "" && id != tt.wantID {
				t.Errorf("id = %q, want %q", id, tt.wantID)
			}
			if !idChars.MatchString(id) {
				t.Errorf("id %q has characters outside [A-Za-z0-9_-]", id)
			}
			base, sig := decodeToolCallID(id)
			if base != tt.base || sig != tt.sig {
				t.Errorf("decode(%q) = %q, %q; want %q, %q", id, base, sig, tt.base, tt.sig)
			}
		})
	}
}

func TestDecodeToolCallIDForeign(t *testing.T) {
	tests := map[string][2]string{
		"call_abc":   {"call_abc", ""},
		"toolu_01A":  {"toolu_01A", ""},
		"x__ts__":    {"x__ts__", ""},    // empty suffix: not a signature
		"x__ts__!!!": {"x__ts__!!!", ""}, // invalid base64url
		"x__tsr__":   {"x__tsr__", ""},
		"":           {"", ""},
	}
	for id, want := range tests {
		base, sig := decodeToolCallID(id)
		if base != want[0] || sig != want[1] {
			t.Errorf("decode(%q) = %q, %q; want %q, %q", id, base, sig, want[0], want[1])
		}
	}
}

func TestSyntheticCallIDStable(t *testing.T) {
	a := syntheticCallID("resp-1", 0, 0, "f", []byte(`{"x":1}`))
	if a != syntheticCallID("resp-1", 0, 0, "f", []byte(`{"x":1}`)) {
		t.Fatal("same input gave different ids")
	}
	if !isSyntheticID(a) || geminiCallID(a) != "" {
		t.Errorf("%q is not recognised as synthetic", a)
	}
	others := []string{
		syntheticCallID("resp-2", 0, 0, "f", []byte(`{"x":1}`)),
		syntheticCallID("resp-1", 1, 0, "f", []byte(`{"x":1}`)),
		syntheticCallID("resp-1", 0, 1, "f", []byte(`{"x":1}`)),
		syntheticCallID("resp-1", 0, 0, "g", []byte(`{"x":1}`)),
		syntheticCallID("resp-1", 0, 0, "f", []byte(`{"x":2}`)),
	}
	for _, o := range others {
		if o == a {
			t.Errorf("different input gave the same id %q", a)
		}
	}
	for _, id := range []string{"call_abc", "call_0123456789ABCDEF01234567", "abc", "call_0123456789abcdef0123456"} {
		if isSyntheticID(id) || geminiCallID(id) != id {
			t.Errorf("%q wrongly recognised as synthetic", id)
		}
	}
}
