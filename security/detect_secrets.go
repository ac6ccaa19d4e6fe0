package security

import "strings"

// tokenShape describes one credential format as a fixed anchor followed by
// runs of characters ("segments"), each of a given alphabet and length,
// separated by fixed bytes. Matching is greedy and each byte is looked at
// once, so the cost is linear whatever the input. (Go's regexp was measured
// at over a microsecond per byte on long tokens, which attacker-chosen
// prompts could exploit; these shapes need no backtracking anyway.)
type tokenShape struct {
	anchors  []string
	segments []segment
	// wordEnd requires a non-word byte (or the end) after the match, for
	// fixed-length shapes: "AKIA" + 17 characters is not an AWS key id.
	wordEnd bool
	// valid, if set, rejects matches the shape cannot rule out.
	valid func(match string) bool
}

// segment is a maximal run of alphabet bytes, at least min long (and at most
// max, if max > 0), followed by the byte then (if then != 0).
type segment struct {
	alphabet func(byte) bool
	min, max int
	then     byte
}

// secretShapes are the credential formats recognised. A match must not be
// preceded by a word byte, so "task-..." is not an "sk-" key.
var secretShapes = []tokenShape{
	{ // OpenAI (sk-, sk-proj-, sk-svcacct-, ...) and Anthropic (sk-ant-...) keys
		anchors:  []string{"sk-"},
		segments: []segment{{alphabet: isTokenByte, min: 20}},
		valid:    hasLetterAndDigit,
	},
	{ // AWS access key ids (long-term AKIA, temporary ASIA)
		anchors:  []string{"AKIA", "ASIA"},
		segments: []segment{{alphabet: isUpperOrDigit, min: 16, max: 16}},
		wordEnd:  true,
	},
	{ // JSON Web Tokens: three base64url segments, the header starting {"
		anchors: []string{"eyJ"},
		segments: []segment{
			{alphabet: isTokenByte, min: 5, then: '.'},
			{alphabet: isTokenByte, min: 5, then: '.'},
			{alphabet: isTokenByte},
		},
	},
	{ // GitHub tokens: classic (personal, OAuth, user, server, refresh)
		anchors:  []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_"},
		segments: []segment{{alphabet: isAlnum, min: 36}},
	},
	{ // GitHub fine-grained personal access tokens
		anchors:  []string{"github_pat_"},
		segments: []segment{{alphabet: isWordByte, min: 22}},
	},
	{ // Google API keys
		anchors:  []string{"AIza"},
		segments: []segment{{alphabet: isTokenByte, min: 35}},
	},
	{ // Slack tokens
		anchors:  []string{"xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-"},
		segments: []segment{{alphabet: isSlackByte, min: 10}},
	},
	{ // Stripe live secret and restricted keys
		anchors:  []string{"sk_live_", "rk_live_"},
		segments: []segment{{alphabet: isAlnum, min: 16}},
	},
}

func isTokenByte(b byte) bool    { return isWordByte(b) || b == '-' } // base64url
func isUpperOrDigit(b byte) bool { return isDigit(b) || ('A' <= b && b <= 'Z') }
func isSlackByte(b byte) bool    { return isAlnum(b) || b == '-' }

// appendSecrets finds every credential shape, including private key blocks.
func appendSecrets(out []Finding, text string) []Finding {
	for i := range secretShapes {
		out = secretShapes[i].appendMatches(out, text)
	}
	return appendPrivateKeys(out, text)
}

func (s *tokenShape) appendMatches(out []Finding, text string) []Finding {
	for _, anchor := range s.anchors {
		pivot := pivotOf(anchor)
		for from := pivot; from < len(text); {
			i := strings.IndexByte(text[from:], anchor[pivot])
			if i < 0 {
				break
			}
			start := from + i - pivot
			if !strings.HasPrefix(text[start:], anchor) {
				from += i + 1
				continue
			}
			if end := s.matchAt(text, start, start+len(anchor)); end > 0 {
				out = append(out, Finding{Detector: DetectSecret, Start: start, End: end})
				from = end + pivot
			} else {
				from += i + 1
			}
		}
	}
	return out
}

// pivotOf picks the byte of an anchor to search for: the one least common in
// prose and code, so that IndexByte (vectorised) skips most of the text and
// few candidates need a closer look. "sk-" is searched by its "-", "eyJ" by
// its "J", "AIza" by its "z".
func pivotOf(anchor string) int {
	best, bestRank := 0, -1
	for i := 0; i < len(anchor); i++ {
		if r := rarity(anchor[i]); r > bestRank {
			best, bestRank = i, r
		}
	}
	return best
}

func rarity(b byte) int {
	switch {
	case !isLetter(b):
		return 4
	case 'A' <= b && b <= 'Z' && !strings.ContainsRune("AEIOST", rune(b)):
		return 3
	case 'a' <= b && b <= 'z' && !strings.ContainsRune("etaoinshrdlcu", rune(b)):
		return 2
	case 'A' <= b && b <= 'Z':
		return 1
	}
	return 0
}

// matchAt returns the end of a match whose anchor spans [start, pos), or -1.
func (s *tokenShape) matchAt(text string, start, pos int) int {
	if start > 0 && isWordByte(text[start-1]) {
		return -1
	}
	for _, seg := range s.segments {
		runStart := pos
		for pos < len(text) && seg.alphabet(text[pos]) {
			pos++
		}
		if n := pos - runStart; n < seg.min || (seg.max > 0 && n > seg.max) {
			return -1
		}
		if seg.then != 0 {
			if pos >= len(text) || text[pos] != seg.then {
				return -1
			}
			pos++
		}
	}
	if s.wordEnd && pos < len(text) && isWordByte(text[pos]) {
		return -1
	}
	if s.valid != nil && !s.valid(text[start:pos]) {
		return -1
	}
	return pos
}

// hasLetterAndDigit tells a random key body from a long hyphenated word:
// "sk-this-is-not-a-key-at-all" has no digit.
func hasLetterAndDigit(s string) bool {
	var letter, digit bool
	for i := 0; i < len(s); i++ {
		letter = letter || isLetter(s[i])
		digit = digit || isDigit(s[i])
	}
	return letter && digit
}
