package security

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// DefaultMaxDepth is the JSON nesting limit when Limits.MaxDepth is unset:
// far deeper than any real chat request, far shallower than what it takes to
// exhaust a recursive decoder's stack.
const DefaultMaxDepth = 64

// Limits bounds the shape of a request body. The handler enforces
// MaxMessages after decoding; MaxDepth is checked before decoding with
// CheckJSONDepth.
type Limits struct {
	MaxMessages int // 0 = no limit
	MaxDepth    int // JSON nesting; 0 = DefaultMaxDepth
}

// Depth is the nesting limit in force.
func (l Limits) Depth() int {
	if l.MaxDepth <= 0 {
		return DefaultMaxDepth
	}
	return l.MaxDepth
}

// Sentinel errors, for errors.Is; the returned errors add the details.
var (
	ErrJSONTooDeep = errors.New("JSON nested too deeply")
	ErrInvalidUTF8 = errors.New("body is not valid UTF-8")
)

// CheckJSONDepth rejects a body whose objects and arrays nest deeper than
// maxDepth (DefaultMaxDepth if maxDepth <= 0). It is a single pass over the
// bytes that counts brackets outside string literals and decodes nothing, so
// a hostile body costs O(n) and no memory before any decoder touches it. It
// does not validate the JSON otherwise; the decoder does that.
func CheckJSONDepth(body []byte, maxDepth int) error {
	if maxDepth <= 0 {
		maxDepth = DefaultMaxDepth
	}
	depth := 0
	inString, escaped := false, false
	for i, b := range body {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case b == '\\':
				escaped = true
			case b == '"':
				inString = false
			}
		case b == '"':
			inString = true
		case b == '{' || b == '[':
			depth++
			if depth > maxDepth {
				return fmt.Errorf("%w: more than %d levels of nesting (at byte offset %d)", ErrJSONTooDeep, maxDepth, i)
			}
		case b == '}' || b == ']':
			// Never below zero: stray closers must not buy room for deeper
			// nesting later. Unbalanced input is left for the decoder to reject.
			depth = max(depth-1, 0)
		}
	}
	return nil
}

// CheckUTF8 rejects a body that is not valid UTF-8, naming the offset of the
// first bad byte so the client can find it. Providers reject such bodies with
// less helpful errors, and redaction offsets assume valid text.
func CheckUTF8(body []byte) error {
	if utf8.Valid(body) {
		return nil
	}
	for i := 0; i < len(body); {
		r, size := utf8.DecodeRune(body[i:])
		if r == utf8.RuneError && size <= 1 {
			return fmt.Errorf("%w: invalid byte 0x%02x at offset %d", ErrInvalidUTF8, body[i], i)
		}
		i += size
	}
	return nil // unreachable: utf8.Valid said otherwise
}
