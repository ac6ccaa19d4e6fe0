package security

import (
	"slices"
	"strings"
	"testing"
)

// describe renders findings as "detector:matched text" for readable tables.
func describe(text string, fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, string(f.Detector)+":"+text[f.Start:f.End])
	}
	return out
}

type detectorCase struct {
	text string
	want []string // "detector:match"; nil = no finding
}

func runDetectorCases(t *testing.T, only Detector, cases []detectorCase) {
	t.Helper()
	f, err := NewFilter(FilterConfig{Detectors: []Detector{only}})
	if err != nil {
		t.Fatal(err)
	}
	all, _ := NewFilter(FilterConfig{})
	for _, c := range cases {
		if got := describe(c.text, f.Scan(c.text)); !slices.Equal(got, c.want) {
			t.Errorf("%s: Scan(%q) = %q, want %q", only, c.text, got, c.want)
		}
		// With every detector on, a negative case must not turn into another kind.
		if c.want == nil {
			if got := describe(c.text, all.Scan(c.text)); got != nil && only != DetectSecret {
				t.Errorf("all detectors: Scan(%q) = %q, want nothing", c.text, got)
			}
		}
	}
}

func TestEmailDetector(t *testing.T) {
	runDetectorCases(t, DetectEmail, []detectorCase{
		{"contact john.doe@example.com today", []string{"email:john.doe@example.com"}},
		{"a+tag@sub.example.co.uk.", []string{"email:a+tag@sub.example.co.uk"}},
		{"<x_y%z@mail-server.org>", []string{"email:x_y%z@mail-server.org"}},
		{"a@b.com-x", []string{"email:a@b.com"}},
		{"first@a.io,second@b.io", []string{"email:first@a.io", "email:second@b.io"}},
		{"@handle", nil},
		{"user@localhost", nil},
		{"a@b.c", nil},
		{"a@b.com5", nil},
		{"foo@.com", nil},
		{"foo@bar..com", nil},
		{"no address here", nil},
	})
}

func TestPhoneDetector(t *testing.T) {
	runDetectorCases(t, DetectPhone, []detectorCase{
		{"+14155552671", []string{"phone:+14155552671"}},
		{"call +1 415 555 2671 now", []string{"phone:+1 415 555 2671"}},
		{"+1-415-555-2671", []string{"phone:+1-415-555-2671"}},
		{"(415) 555-2671", []string{"phone:(415) 555-2671"}},
		{"tel:415-555-2671.", []string{"phone:415-555-2671"}},
		{"415.555.2671", []string{"phone:415.555.2671"}},
		{"020 7946 0958", []string{"phone:020 7946 0958"}},
		{"+44 20 7946 0958", []string{"phone:+44 20 7946 0958"}},
		{"+44 (0)20 7946 0958", []string{"phone:+44 (0)20 7946 0958"}},
		{"01 23 45 67 89", []string{"phone:01 23 45 67 89"}},
		{"4155552671", nil},             // a plain number: an id, not a phone
		{"1700000000123", nil},          // a timestamp
		{"2024-01-15 10:30", nil},       // a date and time
		{"15.01.2024 12.30", nil},       // a European date
		{"01-15-2024 1030", nil},        // a US date
		{"192.168.100.200", nil},        // an IP address
		{"1 000 000 000", nil},          // an amount
		{"1.234.567.890", nil},          // an amount
		{"4111 1111 1111 111", nil},     // card-shaped
		{"555-2671", nil},               // too short
		{"+1 415 555 2671 234 56", nil}, // too long
		{"x415-555-2671", nil},          // glued to a word
		{"415-555-2671abc", nil},        // glued to a word
		{"+123456789", nil},             // too short for E.164 here
		{"12345 678 901", nil},          // a group too long for a national format
		{"+1 415 555 0100 4111 1111 1111 1111", []string{"phone:+1 415 555 0100"}}, // the card beside it is split off
	})
}

func TestCardDetector(t *testing.T) {
	runDetectorCases(t, DetectCard, []detectorCase{
		{"4111 1111 1111 1111", []string{"card:4111 1111 1111 1111"}},
		{"card: 4111-1111-1111-1111, exp 12/27", []string{"card:4111-1111-1111-1111"}},
		{"4111111111111111", []string{"card:4111111111111111"}},
		{"5555555555554444", []string{"card:5555555555554444"}},
		{"378282246310005", []string{"card:378282246310005"}},
		{"amex 3782 822463 10005", []string{"card:3782 822463 10005"}},
		{"diners 3056 930902 5904", []string{"card:3056 930902 5904"}},
		{"6011111111111117", []string{"card:6011111111111117"}},
		{"4222222222222", []string{"card:4222222222222"}},                                                // 13 digits
		{withCheckDigit("601100000000000000"), []string{"card:" + withCheckDigit("601100000000000000")}}, // 19 digits
		{"4111 1111 1111 1111 2024", []string{"card:4111 1111 1111 1111"}},
		{"ref 12 4111 1111 1111 1111", []string{"card:4111 1111 1111 1111"}},
		{"x1-4111111111111111", []string{"card:4111111111111111"}},
		{"4111 1111 1111 1112", nil},             // fails Luhn
		{"4111111111111111abc", nil},             // glued to a word
		{"abc4111111111111111", nil},             // glued to a word
		{withCheckDigit("111111111111111"), nil}, // Luhn-valid, but no card starts with 1
		{withCheckDigit("71234567890123"), nil},  // nor with 7
		{"4111 11 11 1111 1111", nil},            // not a printed card layout
		{"4111.1111.1111.1111", nil},             // dots are not card separators
		{"4111 1111-1111 1111", nil},             // mixed separators
		{"41111111111111111111111", nil},         // too long
		{"411111111111", nil},                    // too short
	})
}

func TestSecretDetector(t *testing.T) {
	const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
	const pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\nVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n-----END RSA PRIVATE KEY-----"
	runDetectorCases(t, DetectSecret, []detectorCase{
		{"key=sk-proj-AbCdEf0123456789_ghIJklMNopQRstuvWXyz;", []string{"secret:sk-proj-AbCdEf0123456789_ghIJklMNopQRstuvWXyz"}},
		{"sk-ant-api03-abcDEF0123456789-abcdefghijklmnop", []string{"secret:sk-ant-api03-abcDEF0123456789-abcdefghijklmnop"}},
		{"sk-" + strings.Repeat("aB3", 16), []string{"secret:sk-" + strings.Repeat("aB3", 16)}},
		{"AKIAIOSFODNN7EXAMPLE", []string{"secret:AKIAIOSFODNN7EXAMPLE"}},
		{"id ASIAY34FZKBOKMUTVV7A.", []string{"secret:ASIAY34FZKBOKMUTVV7A"}},
		{"Bearer " + jwt, []string{"secret:" + jwt}},
		{"ghp_" + strings.Repeat("a1B2", 9), []string{"secret:ghp_" + strings.Repeat("a1B2", 9)}},
		{"github_pat_11ABCDEFG0_abcdefghijklmnopqrstuvwxyz0123", []string{"secret:github_pat_11ABCDEFG0_abcdefghijklmnopqrstuvwxyz0123"}},
		{"AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe", []string{"secret:AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe"}},
		{"xoxb-123456789012-abcdefghijkl", []string{"secret:xoxb-123456789012-abcdefghijkl"}},
		{"sk_live_" + strings.Repeat("x9", 12), []string{"secret:sk_live_" + strings.Repeat("x9", 12)}},
		{"before\n" + pem + "\nafter", []string{"secret:" + pem}},
		{"sk-this-is-not-a-key-at-all-really", nil}, // no digit: a hyphenated phrase
		{"task-1234567890abcdefghij1234", nil},      // "sk-" inside a word
		{"sk-abc123", nil},                          // too short
		{"AKIAIOSFODNN7EXAMPLEX", nil},              // too long for a key id
		{"AKIA1234", nil},
		{"eyJhbGciOiJIUzI1NiJ9", nil}, // one segment is not a JWT
		{"ghp_short", nil},
		{"-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n-----END PUBLIC KEY-----", nil},
		{"-----BEGIN CERTIFICATE-----", nil},
	})
}

func TestPrivateKeyWithoutEndLine(t *testing.T) {
	body := strings.Repeat("A", pemLineLen)
	text := "-----BEGIN PRIVATE KEY-----\n" + body + "\n" + body + "\nabc=\nThanks for looking"
	want := []string{"secret:" + strings.TrimSuffix(text, "\nThanks for looking")}
	if got := describe(text, scan(text, secretOnly)); !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	encrypted := "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0123ABCD\n\n" + body + "\nxyz\n\nprose"
	want = []string{"secret:" + strings.TrimSuffix(encrypted, "\n\nprose")}
	if got := describe(encrypted, scan(encrypted, secretOnly)); !slices.Equal(got, want) {
		t.Fatalf("encrypted: got %q, want %q", got, want)
	}
}

func TestCardIsNotAlsoAPhone(t *testing.T) {
	f, _ := NewFilter(FilterConfig{})
	for _, text := range []string{"4111 1111 1111 1111", "+1 415 555 0100 4111 1111 1111 1111"} {
		for _, d := range describe(text, f.Scan(text)) {
			if strings.Contains(d, "4111") && !strings.HasPrefix(d, "card:") {
				t.Errorf("Scan(%q): card digits reported as %q", text, d)
			}
		}
	}
}

func TestOverlappingFindingsMerge(t *testing.T) {
	f, _ := NewFilter(FilterConfig{})
	text := "sk-abc123def456ghi789jkl0@example.com"
	got, findings := f.Redact(text)
	if got != "[REDACTED:secret]" || len(findings) != 1 || findings[0].Start != 0 || findings[0].End != len(text) {
		t.Fatalf("Redact = %q %v", got, findings)
	}
}

func TestRedact(t *testing.T) {
	f, _ := NewFilter(FilterConfig{})
	text := "Mail jane@corp.com or +1 415 555 2671, card 4111 1111 1111 1111, key AKIAIOSFODNN7EXAMPLE."
	got, findings := f.Redact(text)
	want := "Mail [REDACTED:email] or [REDACTED:phone], card [REDACTED:card], key [REDACTED:secret]."
	if got != want || len(findings) != 4 {
		t.Fatalf("Redact = %q (%d findings), want %q", got, len(findings), want)
	}
	if again := f.Scan(got); again != nil {
		t.Fatalf("rescan found %v", again)
	}
	clean := "nothing to see here"
	if got, fs := f.Redact(clean); got != clean || fs != nil {
		t.Fatalf("Redact(clean) = %q %v", got, fs)
	}
}

func TestRedactSecretsOnlyTouchesCredentials(t *testing.T) {
	f, _ := NewFilter(FilterConfig{Detectors: []Detector{DetectEmail}, RedactResponses: true})
	text := "Your key is AKIAIOSFODNN7EXAMPLE; mail jane@corp.com."
	got, n := f.RedactSecrets(text)
	if got != "Your key is [REDACTED:secret]; mail jane@corp.com." || n != 1 {
		t.Fatalf("RedactSecrets = %q, %d", got, n)
	}
	if !f.RedactsResponses() {
		t.Fatal("RedactsResponses lost")
	}
}

func TestNewFilter(t *testing.T) {
	f, err := NewFilter(FilterConfig{})
	if err != nil || f.Action() != ActionRedact || f.enabled != allDetectors {
		t.Fatalf("defaults: %v %+v", err, f)
	}
	if f, err := NewFilter(FilterConfig{Action: ActionBlock}); err != nil || f.Action() != ActionBlock {
		t.Fatalf("block: %v", err)
	}
	if _, err := NewFilter(FilterConfig{Action: "drop"}); err == nil {
		t.Fatal("unknown action accepted")
	}
	if _, err := NewFilter(FilterConfig{Detectors: []Detector{"ssn"}}); err == nil {
		t.Fatal("unknown detector accepted")
	}
}

func TestScanCleanTextDoesNotAllocate(t *testing.T) {
	f, _ := NewFilter(FilterConfig{})
	text := benchPrompt()
	if fs := f.Scan(text); fs != nil {
		t.Fatalf("benchmark prompt has findings: %q", describe(text, fs))
	}
	if allocs := testing.AllocsPerRun(20, func() { f.Scan(text) }); allocs != 0 {
		t.Fatalf("Scan of a clean prompt allocates %v times", allocs)
	}
}
