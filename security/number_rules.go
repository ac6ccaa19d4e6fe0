package security

// The rules that decide what a number run (see detect_numbers.go) is.

// Card numbers: 13-19 digits, Luhn-valid, starting with 2-6 (the issuer
// ranges of Visa, Mastercard, Amex, Discover, Diners, JCB, UnionPay; this
// rules out most IDs and timestamps that happen to pass Luhn). Written
// either as one group or in the printed layouts: groups of four with a
// shorter last group (4-4-4-4, 4-4-4-4-3, ...), or Amex/Diners 4-6-5 and 4-6-4,
// with one kind of separator throughout.
const (
	minCardDigits   = 13
	maxCardDigits   = 19
	maxCardGroups   = 5
	minPhoneDigits  = 10
	maxPhoneDigits  = 15
	maxPhoneGroup   = 4
	minPhoneGroups  = 3
	minYear         = 1900
	maxYear         = 2099
	ipv4Groups      = 4
	maxIPv4Digits   = 3
	thousandsDigits = 3
)

// cardWindowAt returns the index of the last group of the longest card
// number starting at groups[first], or -1.
func cardWindowAt(text string, groups []numGroup, first int) int {
	for n := min(maxCardGroups, len(groups)-first); n >= 1; n-- {
		window := groups[first : first+n]
		if cardLayout(window) && cardChecksum(text, window) {
			return first + n - 1
		}
	}
	return -1
}

func cardLayout(w []numGroup) bool {
	total := 0
	for i, g := range w {
		if g.paren || (i > 0 && g.sep != w[1].sep) {
			return false
		}
		total += g.digits
	}
	if total < minCardDigits || total > maxCardDigits {
		return false
	}
	if len(w) == 1 {
		return true
	}
	if w[1].sep != ' ' && w[1].sep != '-' {
		return false
	}
	if len(w) == 3 && w[0].digits == 4 && w[1].digits == 6 && (w[2].digits == 5 || w[2].digits == 4) {
		return true // Amex 4-6-5, Diners 4-6-4
	}
	for _, g := range w[:len(w)-1] {
		if g.digits != 4 {
			return false
		}
	}
	return w[len(w)-1].digits <= 4
}

// cardChecksum checks the issuer range and the Luhn sum of a window.
func cardChecksum(text string, w []numGroup) bool {
	var digits [maxCardDigits]byte
	n := 0
	for _, g := range w {
		n += copy(digits[n:], text[g.start:g.end])
	}
	return digits[0] >= '2' && digits[0] <= '6' && luhnValid(digits[:n])
}

// appendPhone reports groups (part of a run starting at runStart) as a phone
// number if they look like one: 10-15 digits, and either a leading "+"
// (E.164, with or without separators) or a national format of at least three
// groups of at most four digits ("(415) 555-2671", "020 7946 0958",
// "01 23 45 67 89"). Dates, IPv4 addresses, thousands-grouped amounts and
// card-shaped numbers that failed the card checks are not phone numbers.
func appendPhone(out []Finding, text string, offset, runStart int, plus bool, groups []numGroup, enabled detectorSet) []Finding {
	if !enabled.has(phoneBit) || len(groups) == 0 {
		return out
	}
	total := 0
	for _, g := range groups {
		total += g.digits
	}
	if total < minPhoneDigits || total > maxPhoneDigits {
		return out
	}
	start := groups[0].start
	if plus {
		start = runStart
	} else if !nationalPhoneShape(text, groups) {
		return out
	}
	return append(out, Finding{Detector: DetectPhone, Start: offset + start, End: offset + groups[len(groups)-1].end})
}

func nationalPhoneShape(text string, groups []numGroup) bool {
	if len(groups) < minPhoneGroups {
		return false
	}
	for _, g := range groups {
		if g.digits > maxPhoneGroup {
			return false
		}
	}
	return !cardShaped(groups) && !thousandsGrouped(groups) && !ipv4Shaped(groups) && !dateShaped(text, groups)
}

// cardShaped: "4111 1111 1111 1112" reads as a mistyped card, not a phone.
func cardShaped(groups []numGroup) bool {
	for _, g := range groups[:minPhoneGroups] {
		if g.paren || g.digits != 4 {
			return false
		}
	}
	return len(groups) > minPhoneGroups
}

// thousandsGrouped: "1 000 000 000" or "1.234.567.890" is an amount.
func thousandsGrouped(groups []numGroup) bool {
	if groups[0].digits > thousandsDigits {
		return false
	}
	for i, g := range groups {
		if g.paren || (i > 0 && (g.digits != thousandsDigits || g.sep != groups[1].sep)) {
			return false
		}
	}
	return true
}

// ipv4Shaped: "192.168.100.200".
func ipv4Shaped(groups []numGroup) bool {
	if len(groups) != ipv4Groups {
		return false
	}
	for i, g := range groups {
		if g.paren || g.digits > maxIPv4Digits || (i > 0 && g.sep != '.') {
			return false
		}
	}
	return true
}

// dateShaped: a run starting with a year-month-day, day-month-year or
// month-day-year date ("2024-01-15 10:30" is ten digits in four groups).
func dateShaped(text string, groups []numGroup) bool {
	a, b, c := groups[0], groups[1], groups[2]
	if a.paren || b.paren || c.paren || b.sep != c.sep {
		return false
	}
	va, vb, vc := groupValue(text, a), groupValue(text, b), groupValue(text, c)
	isYear := func(g numGroup, v int) bool { return g.digits == 4 && v >= minYear && v <= maxYear }
	isMonth := func(g numGroup, v int) bool { return g.digits <= 2 && v >= 1 && v <= 12 }
	isDay := func(g numGroup, v int) bool { return g.digits <= 2 && v >= 1 && v <= 31 }
	return (isYear(a, va) && isMonth(b, vb) && isDay(c, vc)) ||
		(isDay(a, va) && isMonth(b, vb) && isYear(c, vc)) ||
		(isMonth(a, va) && isDay(b, vb) && isYear(c, vc))
}

func groupValue(text string, g numGroup) int {
	v := 0
	for i := g.start; i < g.end; i++ {
		if isDigit(text[i]) {
			v = v*10 + int(text[i]-'0')
		}
	}
	return v
}
