package security

// luhnValid reports whether digits (ASCII '0'-'9' only) pass the Luhn
// checksum that every payment card number carries. Checking it is what
// separates a card number from any other long number: a random digit string
// passes only one time in ten.
func luhnValid(digits []byte) bool {
	if len(digits) == 0 {
		return false
	}
	sum := 0
	double := false
	for i := len(digits) - 1; i >= 0; i-- {
		if !isDigit(digits[i]) {
			return false
		}
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}
