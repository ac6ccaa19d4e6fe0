package providers

import "unicode/utf8"

// jsonSafeByte marks the bytes encoding/json writes into a string as they
// are when it escapes HTML, as json.Marshal always does: everything from
// space through DEL except '"', '\\', '<', '>' and '&' (its htmlSafeSet);
// jsonSafeByteNoHTML is the same with HTML escaping off (its safeSet). They
// span all 256 byte values, false from 0x80 on, so the common case costs
// one lookup per byte.
var jsonSafeByte, jsonSafeByteNoHTML = safeBytes(`"\<>&`), safeBytes(`"\`)

func safeBytes(escaped string) (t [256]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		t[b] = true
	}
	for _, b := range escaped {
		t[b] = false
	}
	return t
}

const jsonHex = "0123456789abcdef"

// appendJSONString appends s as a JSON string exactly as json.Marshal writes
// it; see AppendJSONString.
func appendJSONString(dst []byte, s string) []byte { return AppendJSONString(dst, s, true) }

// AppendJSONString appends s as a JSON string exactly as encoding/json
// writes it (its appendString): short escapes for \b \f \n \r \t, \u00XX
// for other control bytes and, with escapeHTML (json.Marshal's default), for
// < > &, U+FFFD for each byte of invalid UTF-8, and \u2028 / \u2029 escaped
// for JSONP's sake. Hand-written encoders must match encoding/json byte for
// byte, so that switching a caller over changes nothing a client, cache or
// test sees.
func AppendJSONString(dst []byte, s string, escapeHTML bool) []byte {
	safe := &jsonSafeByteNoHTML
	if escapeHTML {
		safe = &jsonSafeByte
	}
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if safe[b] {
			i++
			continue
		}
		if b < utf8.RuneSelf {
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', jsonHex[b>>4], jsonHex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, invalidUTF8...)
		case c == '\u2028' || c == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', jsonHex[c&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
