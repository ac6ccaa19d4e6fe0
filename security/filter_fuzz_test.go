package security

import (
	"testing"
	"unicode/utf8"
)

// redactSeeds mixes every detector with the neighbours that stress their
// boundaries.
var redactSeeds = []string{
	"",
	"mail john.doe+tag@example.co.uk or call +1 415-555-2671",
	"card 4111 1111 1111 1111, amex 3782 822463 10005, plain 4111111111111111",
	"sk-proj-abcdefghijklmnopqrstuv0123456789 and AKIAIOSFODNN7EXAMPLE",
	"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
	"ghp_0123456789abcdefghijABCDEFGHIJ012345 github_pat_11ABCDEFG0123456789_abcdefghijklmnop",
	"AIzaSyA-1234567890abcdefghijklmnopqrstu",
	"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----",
	"-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\nMIIEow\n",
	"4111111111111111+14155552671",
	"12 34 56 78 90 12345@x.com",
	"a@b.cc-----BEGIN PRIVATE KEY-----",
	"(415) 555-2671 2024-01-15 10:30 192.168.100.200 1 000 000 000",
	"x1-4111111111111111 +44 (0)20 7946 0958",
	"+1 415 555 2671 4111 1111 1111 1111 99",
	"a@b.cc.sk-abc123def456ghi789jkl0 u@h.comAKIAIOSFODNN7EXAMPLE",
	"héllo wörld 4111-1111-1111-1111 ✓",
}

func FuzzRedact(f *testing.F) {
	for _, s := range redactSeeds {
		f.Add(s, uint8(0))
	}
	f.Add("call 415.555.2671", uint8(phoneBit))
	f.Add("4111 1111 1111 1111 +1 415 555 2671", uint8(phoneBit))
	f.Fuzz(func(t *testing.T, text string, mask uint8) {
		enabled := detectorSet(mask) & allDetectors
		if enabled == 0 {
			enabled = allDetectors
		}
		filter := &Filter{enabled: enabled, action: ActionRedact}

		redacted, findings := filter.Redact(text)
		checkFindings(t, text, findings)
		if len(findings) == 0 && redacted != text {
			t.Fatalf("no findings but text changed: %q -> %q", text, redacted)
		}
		if again := filter.Scan(redacted); len(again) > 0 {
			t.Fatalf("redacted text still has findings %v\ninput:    %q\nredacted: %q", again, text, redacted)
		}
		if utf8.ValidString(text) && !utf8.ValidString(redacted) {
			t.Fatalf("redaction broke UTF-8: %q -> %q", text, redacted)
		}

		cleaned, n := filter.RedactSecrets(text)
		if again := scan(cleaned, secretOnly); len(again) > 0 {
			t.Fatalf("secrets left after RedactSecrets %v\ninput: %q\noutput: %q", again, text, cleaned)
		}
		if n < 0 || (n == 0) != (cleaned == text) {
			t.Fatalf("RedactSecrets count %d inconsistent with output %q -> %q", n, text, cleaned)
		}
	})
}

// checkFindings asserts the Finding invariants: in range, sorted, disjoint,
// named after a known detector.
func checkFindings(t *testing.T, text string, findings []Finding) {
	t.Helper()
	prevEnd := 0
	for _, f := range findings {
		if f.Start < prevEnd || f.End <= f.Start || f.End > len(text) {
			t.Fatalf("bad finding %+v (previous end %d, len %d) in %q", f, prevEnd, len(text), text)
		}
		if _, ok := detectorBits[f.Detector]; !ok {
			t.Fatalf("unknown detector in %+v", f)
		}
		prevEnd = f.End
	}
}
