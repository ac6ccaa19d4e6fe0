package security

// Card and phone numbers are found by one scanner that splits the text into
// number runs: an optional "+", then groups of digits ("415") or of digits in
// parentheses ("(415)"), separated by single spaces, dashes or dots (or by
// nothing after a parenthesised group). Each run is then judged as a whole:
// first for card-shaped windows of groups, then, in what is left, for a
// phone shape. Judging whole runs is what keeps a card number from also being
// read as a phone number, and a date or an IP address from being read as
// either.

// numGroup is one group of a number run.
type numGroup struct {
	start, end int  // byte span, parentheses included
	digits     int  // digits in the group
	paren      bool // written as "(415)"
	sep        byte // separator before this group; 0 for none or for the first group
}

// maxParenDigits bounds "(...)" groups to area-code size.
const maxParenDigits = 4

// appendNumbers finds card and phone numbers in text, a slice of the scanned
// text that begins at offset (findings are reported in whole-text offsets).
func appendNumbers(out []Finding, text string, offset int, enabled detectorSet) []Finding {
	var buf [16]numGroup // runs are short; longer ones spill to the heap
	for i := 0; i < len(text); {
		for i < len(text) && !mayStartRun[text[i]] {
			i++ // the common case, kept to a table lookup per byte
		}
		if i == len(text) {
			break
		}
		if !runStartsAt(text, i) {
			i++
			continue
		}
		groups, plus, end := parseRun(text, i, buf[:0])
		out = judgeRun(out, text, offset, i, plus, groups, enabled)
		i = end
	}
	return out
}

// mayStartRun marks the bytes a number run can start with.
var mayStartRun = [256]bool{'0': true, '1': true, '2': true, '3': true, '4': true, '5': true, '6': true, '7': true, '8': true, '9': true, '+': true, '(': true}

// runStartsAt says whether a number run starts at i. A bare digit must not
// continue a word ("abc123", "x4111..."), while "+" and "(" are boundaries
// by themselves.
func runStartsAt(text string, i int) bool {
	switch b := text[i]; {
	case isDigit(b):
		return i == 0 || !isAlnum(text[i-1])
	case b == '+':
		return i+1 < len(text) && isDigit(text[i+1])
	case b == '(':
		return parenGroupEnd(text, i) > 0
	}
	return false
}

// parseRun reads the run starting at i. It returns its groups, whether it
// starts with "+", and where it ends. A last group glued to a letter or
// digit ("2671abc") belongs to a word, not to the number, and is dropped
// (but still skipped over).
func parseRun(text string, i int, groups []numGroup) ([]numGroup, bool, int) {
	plus := text[i] == '+'
	pos := i
	if plus {
		pos++
	}
	var sep byte
	for {
		g, ok := groupAt(text, pos)
		if !ok {
			break
		}
		g.sep = sep
		groups = append(groups, g)
		pos = g.end
		if pos+1 < len(text) && isNumberSep(text[pos]) && groupStartsAt(text, pos+1) {
			sep = text[pos]
			pos++
			continue
		}
		if g.paren && groupStartsAt(text, pos) {
			sep = 0
			continue
		}
		break
	}
	if n := len(groups); n > 0 && !groups[n-1].paren && pos < len(text) && isAlnum(text[pos]) {
		groups = groups[:n-1]
	}
	return groups, plus, pos
}

func isNumberSep(b byte) bool { return b == ' ' || b == '-' || b == '.' }

func groupStartsAt(text string, i int) bool {
	return i < len(text) && (isDigit(text[i]) || parenGroupEnd(text, i) > 0)
}

// groupAt reads a digit group or a parenthesised one at i.
func groupAt(text string, i int) (numGroup, bool) {
	if i >= len(text) {
		return numGroup{}, false
	}
	if end := parenGroupEnd(text, i); end > 0 {
		return numGroup{start: i, end: end, digits: end - i - 2, paren: true}, true
	}
	end := i
	for end < len(text) && isDigit(text[end]) {
		end++
	}
	return numGroup{start: i, end: end, digits: end - i}, end > i
}

// parenGroupEnd returns the end of "(" + 1..4 digits + ")" at i, or -1.
func parenGroupEnd(text string, i int) int {
	if i >= len(text) || text[i] != '(' {
		return -1
	}
	j := i + 1
	for j < len(text) && j-i-1 < maxParenDigits && isDigit(text[j]) {
		j++
	}
	if j == i+1 || j >= len(text) || text[j] != ')' {
		return -1
	}
	return j + 1
}

// judgeRun reports the cards and phone numbers in one run. Card windows are
// taken leftmost-first; the stretches between them are judged as phone
// numbers on their own, exactly as they will be once the cards are redacted.
func judgeRun(out []Finding, text string, offset, runStart int, plus bool, groups []numGroup, enabled detectorSet) []Finding {
	segment := 0
	for first := 0; first < len(groups); {
		last := cardWindowAt(text, groups, first)
		if last < 0 {
			first++
			continue
		}
		out = appendPhone(out, text, offset, runStart, plus && segment == 0, groups[segment:first], enabled)
		if enabled.has(cardBit) {
			out = append(out, Finding{Detector: DetectCard, Start: offset + groups[first].start, End: offset + groups[last].end})
		}
		first = last + 1
		segment = first
	}
	return appendPhone(out, text, offset, runStart, plus && segment == 0, groups[segment:], enabled)
}
