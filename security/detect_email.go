package security

import "strings"

// appendEmails finds e-mail addresses: a local part of [A-Za-z0-9._%+-],
// "@", then dot-separated domain labels ending in an all-letter top-level
// domain of two or more letters that is not glued to further letters or
// digits. Scanning starts at each "@", so text without one costs a single
// IndexByte.
//
// The local part extends left as far as it can, whatever precedes it, and
// the domain ends where the rules say, not where a neighbour starts; that
// keeps the result the same after a neighbouring finding is redacted.
func appendEmails(out []Finding, text string) []Finding {
	for from := 0; ; {
		i := strings.IndexByte(text[from:], '@')
		if i < 0 {
			return out
		}
		at := from + i
		start := at
		for start > 0 && isEmailLocalByte(text[start-1]) {
			start--
		}
		end := emailDomainEnd(text, at+1)
		if start < at && end > 0 {
			out = append(out, Finding{Detector: DetectEmail, Start: start, End: end})
			from = end
		} else {
			from = at + 1
		}
	}
}

func isEmailLocalByte(b byte) bool {
	return isAlnum(b) || b == '.' || b == '_' || b == '%' || b == '+' || b == '-'
}

func isDomainByte(b byte) bool { return isAlnum(b) || b == '.' || b == '-' }

// emailDomainEnd returns where the longest valid domain starting at from
// ends, or -1. Valid: one or more non-empty labels, then ".", then a
// top-level domain of >= 2 letters followed by something other than a letter
// or digit ("a@b.com-x" is "a@b.com"; "a@b.com5" is no address).
func emailDomainEnd(text string, from int) int {
	best := -1
	labelStart := from
	for labelStart < len(text) {
		labelEnd := labelStart
		for labelEnd < len(text) && isDomainByte(text[labelEnd]) && text[labelEnd] != '.' {
			labelEnd++
		}
		if labelEnd == labelStart {
			return best // empty label: the domain cannot go on
		}
		if labelStart > from { // a label after a dot may be the top-level domain
			letters := labelStart
			for letters < labelEnd && isLetter(text[letters]) {
				letters++
			}
			if letters-labelStart >= 2 && (letters == labelEnd || text[letters] == '-') {
				best = letters
			}
		}
		if labelEnd >= len(text) || text[labelEnd] != '.' {
			return best
		}
		labelStart = labelEnd + 1
	}
	return best
}
