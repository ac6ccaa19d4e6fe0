package security

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// soupFragments are pieces of every detector's syntax. Random
// concatenations of them hit the boundary cases (a key glued to an e-mail, a
// card inside a phone-shaped run, ...) far more often than random bytes do.
var soupFragments = []string{
	"@", ".", "-", "_", "+", "(", ")", " ", "\n", ":", "[", "]", "a", "Z", "com", "x.org",
	"0", "1", "4", "12", "415", "555", "2671", "4111", "1111", "0958", "2024", "192", "(0)", "+1", "+44",
	"sk-", "abc123def456ghi789jkl0", "AKIA", "IOSFODNN7EXAMPLE", "eyJ", "hbGciOi", "ghp_",
	"github_pat_", "AIza", "xoxb-", "sk_live_", strings.Repeat("A", 36),
	"-----BEGIN ", "RSA ", "PRIVATE KEY-----", "-----END ", strings.Repeat("Q", 64), "==",
	"é", "✓",
}

// TestRedactIsStable is a deterministic property test: for random fragment
// soups and every detector subset, redaction leaves nothing to find.
func TestRedactIsStable(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	for range 20000 {
		b.Reset()
		for range rng.IntN(30) {
			b.WriteString(soupFragments[rng.IntN(len(soupFragments))])
		}
		text := b.String()
		enabled := detectorSet(rng.IntN(int(allDetectors))) + 1
		f := &Filter{enabled: enabled, action: ActionRedact}
		redacted, findings := f.Redact(text)
		checkFindings(t, text, findings)
		if again := f.Scan(redacted); again != nil {
			t.Fatalf("detectors %04b: %q -> %q still has %v", enabled, text, redacted, describe(redacted, again))
		}
	}
}
