package security

import (
	"regexp"
	"strings"
)

// PEM private key armour: "-----BEGIN RSA PRIVATE KEY-----", "-----BEGIN
// PRIVATE KEY-----", "-----BEGIN OPENSSH PRIVATE KEY-----", "-----BEGIN PGP
// PRIVATE KEY BLOCK-----" and their END lines.
var (
	pemBegin = regexp.MustCompile(`^-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----`)
	pemEnd   = regexp.MustCompile(`^-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----`)
)

// maxArmorLine bounds the text an armour regexp looks at: real BEGIN and END
// lines are far shorter, and a short input keeps each regexp call cheap.
const maxArmorLine = 128

func armorWindow(text string, start int) string {
	return text[start:min(len(text), start+maxArmorLine)]
}

// pemLineLen is the standard PEM body line length; a shorter line is the last.
const pemLineLen = 64

// appendPrivateKeys finds private key blocks, from the BEGIN line through the
// END line. A block without an END line (a pasted fragment) still leaks key
// material, so it runs to the end of its base64 body instead.
func appendPrivateKeys(out []Finding, text string) []Finding {
	ends := pemEndFinder{text: text}
	for from := 0; ; {
		i := strings.Index(text[from:], "-----BEGIN ")
		if i < 0 {
			return out
		}
		start := from + i
		header := pemBegin.FindStringIndex(armorWindow(text, start))
		if header == nil {
			from = start + 1
			continue
		}
		bodyStart := start + header[1]
		end := ends.next(bodyStart)
		if end < 0 {
			end = pemBodyEnd(text, bodyStart)
		}
		out = append(out, Finding{Detector: DetectSecret, Start: start, End: end})
		from = end
	}
}

// pemEndFinder finds END lines, remembering its last answer so that many
// BEGIN lines without an END cost one scan of the text, not one each.
type pemEndFinder struct {
	text     string
	searched int // the last search started here (valid only if cached)
	start    int // where the END line it found starts, or -1 for none
	end      int // where that END line ends
	cached   bool
}

// next returns the end of the first END line starting at or after from, or -1.
func (f *pemEndFinder) next(from int) int {
	if f.cached && from >= f.searched && (f.start < 0 || f.start >= from) {
		return f.end
	}
	f.cached, f.searched, f.start, f.end = true, from, -1, -1
	for pos := from; ; {
		i := strings.Index(f.text[pos:], "-----END ")
		if i < 0 {
			return -1
		}
		start := pos + i
		if loc := pemEnd.FindStringIndex(armorWindow(f.text, start)); loc != nil {
			f.start, f.end = start, start+loc[1]
			return f.end
		}
		pos = start + 1
	}
}

// pemBodyEnd returns the end of the body lines following a BEGIN line that
// has no END line: optional "Name: value" headers, blank lines before the
// body, then base64 lines up to and including the first short one. Each byte
// is looked at once, so even a text of nothing but BEGIN lines scans in
// linear time.
func pemBodyEnd(text string, pos int) int {
	end, inBody := pos, false
	for pos < len(text) {
		lineEnd := pos
		for lineEnd < len(text) && isBase64Byte(text[lineEnd]) {
			lineEnd++
		}
		isHeader := false
		if !atLineBreak(text, lineEnd) {
			if inBody {
				return end
			}
			if lineEnd = pemHeaderLineEnd(text, pos); lineEnd < 0 {
				return end
			}
			isHeader = true
		}
		switch {
		case lineEnd == pos: // blank line: allowed only before the body
			if inBody {
				return end
			}
		case isHeader:
			end = lineEnd
		default:
			inBody, end = true, lineEnd
			if lineEnd-pos < pemLineLen {
				return end
			}
		}
		pos = nextLineStart(text, lineEnd)
	}
	return end
}

func isBase64Byte(b byte) bool { return isAlnum(b) || b == '+' || b == '/' || b == '=' }

func atLineBreak(text string, i int) bool {
	return i == len(text) || text[i] == '\n' || (text[i] == '\r' && (i+1 == len(text) || text[i+1] == '\n'))
}

// nextLineStart skips the line break at i ("\n", "\r\n" or the end).
func nextLineStart(text string, i int) int {
	if i < len(text) && text[i] == '\r' {
		i++
	}
	if i < len(text) && text[i] == '\n' {
		i++
	}
	return i
}

// pemHeaderLineEnd matches an RFC 1421 header line such as
// "Proc-Type: 4,ENCRYPTED" at pos and returns where it ends, or -1.
func pemHeaderLineEnd(text string, pos int) int {
	i := pos
	for i < len(text) && (isLetter(text[i]) || text[i] == '-') {
		i++
	}
	if i == pos || !strings.HasPrefix(text[i:], ": ") {
		return -1
	}
	i += len(": ")
	valueStart := i
	for i < len(text) && text[i] != '\n' && text[i] != '\r' {
		i++
	}
	if i == valueStart {
		return -1
	}
	return i
}
