package anthropic

// jsonReader walks a JSON document for the hand-written decoders. Each
// method consumes one syntactic element and reports true, or reports false
// and means "not a shape the fast path takes": the caller then hands the
// whole document to encoding/json, which decides, and words the error if
// there is one. So the reader never has to explain a mistake, only to make
// sure that whatever it accepts is valid JSON as encoding/json's scanner
// defines it (json.Unmarshal rejects a document with a syntax error
// anywhere, even in a value it would ignore).
type jsonReader struct {
	data []byte
	pos  int
}

// maxSkipDepth bounds the nesting of ignored values. encoding/json allows
// 10000 levels; deeper ones are left to it rather than recursed into here.
const maxSkipDepth = 100

// peek skips whitespace and returns the next byte, 0 at the end.
func (r *jsonReader) peek() byte {
	for ; r.pos < len(r.data); r.pos++ {
		switch c := r.data[r.pos]; c {
		case ' ', '\t', '\n', '\r':
		default:
			return c
		}
	}
	return 0
}

// consume skips whitespace and c, if c comes next.
func (r *jsonReader) consume(c byte) bool {
	if r.peek() != c {
		return false
	}
	r.pos++
	return true
}

// atEnd reports whether only whitespace is left: encoding/json rejects
// anything after the top-level value.
func (r *jsonReader) atEnd() bool {
	return r.peek() == 0 && r.pos == len(r.data)
}

// literal consumes word (true, false or null) if it comes next. A letter
// glued to it ("nullx") is caught by the caller, which wants a ',' or a
// closing bracket after any value.
func (r *jsonReader) literal(word string) bool {
	r.peek()
	if !hasPrefix(r.data[r.pos:], word) {
		return false
	}
	r.pos += len(word)
	return true
}

// str reads a string: its bytes between the quotes and whether they hold
// escapes (see scanString).
func (r *jsonReader) str() (raw []byte, escaped, ok bool) {
	r.peek()
	raw, escaped, n, ok := scanString(r.data[r.pos:])
	r.pos += n
	return raw, escaped, ok
}

// key reads an object key and the colon after it. A key with escapes is
// refused: encoding/json would unescape it before matching a field.
func (r *jsonReader) key() ([]byte, bool) {
	raw, escaped, ok := r.str()
	if !ok || escaped || !r.consume(':') {
		return nil, false
	}
	return raw, true
}

// next is called after a member or an element: more is true after a ','
// (another one must follow), false after the closing bracket.
func (r *jsonReader) next(closing byte) (more, ok bool) {
	switch r.peek() {
	case ',':
		r.pos++
		return true, true
	case closing:
		r.pos++
		return false, true
	}
	return false, false
}

// int reads a number into an int as encoding/json would, taking only what
// strconv.ParseInt surely takes: an optional '-' and up to 18 digits with
// no leading zero. A fraction or an exponent (an error for an int field in
// encoding/json) and longer numbers are refused.
func (r *jsonReader) int() (int, bool) {
	r.peek()
	b := r.data[r.pos:]
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	start, n := i, 0
	for ; i < len(b) && i-start < 18 && isDigit(b[i]); i++ {
		n = n*10 + int(b[i]-'0')
	}
	if digits := i - start; digits == 0 || (b[start] == '0' && digits > 1) {
		return 0, false
	}
	if i < len(b) && (isDigit(b[i]) || b[i] == '.' || b[i] == 'e' || b[i] == 'E') {
		return 0, false
	}
	r.pos += i
	if b[0] == '-' {
		n = -n
	}
	return n, true
}

// value skips any valid value and returns its bytes, as encoding/json
// hands them to a json.RawMessage (without surrounding whitespace).
func (r *jsonReader) value() ([]byte, bool) {
	r.peek()
	start := r.pos
	if !r.skip(0) {
		return nil, false
	}
	return r.data[start:r.pos], true
}

// skip checks and passes over one value of any kind.
func (r *jsonReader) skip(depth int) bool {
	switch c := r.peek(); {
	case c == '"':
		_, _, ok := r.str()
		return ok
	case c == '{' || c == '[':
		if depth >= maxSkipDepth {
			return false
		}
		r.pos++
		closing := byte(']')
		if c == '{' {
			closing = '}'
		}
		if r.consume(closing) {
			return true
		}
		for {
			if c == '{' {
				if _, _, ok := r.str(); !ok || !r.consume(':') {
					return false
				}
			}
			if !r.skip(depth + 1) {
				return false
			}
			if more, ok := r.next(closing); !ok || !more {
				return ok
			}
		}
	case c == 't':
		return r.literal("true")
	case c == 'f':
		return r.literal("false")
	case c == 'n':
		return r.literal("null")
	case c == '-' || isDigit(c):
		return r.number()
	}
	return false
}

// number passes over a number in JSON's grammar:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (r *jsonReader) number() bool {
	b, i := r.data, r.pos
	digits := func() bool {
		start := i
		for i < len(b) && isDigit(b[i]) {
			i++
		}
		return i > start
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	if i < len(b) && b[i] == '0' {
		i++
	} else if !digits() {
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			return false
		}
	}
	r.pos = i
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
