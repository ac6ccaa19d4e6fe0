package security

// Byte classes shared by the detectors. All detectors work on ASCII bytes
// only, so every finding starts and ends on a UTF-8 character boundary.

func isDigit(b byte) bool  { return '0' <= b && b <= '9' }
func isLetter(b byte) bool { return 'a' <= b|0x20 && b|0x20 <= 'z' }
func isAlnum(b byte) bool  { return isDigit(b) || isLetter(b) }

// isWordByte matches regexp's \w: what may not directly precede a credential.
func isWordByte(b byte) bool { return isAlnum(b) || b == '_' }
