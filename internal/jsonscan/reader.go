// Package jsonscan is the validating, allocation-free JSON scanner under the
// hand-written decoders of the hot path (stream chunks, Anthropic answers,
// chat requests), each of which hands anything unusual to encoding/json.
package jsonscan

// Reader walks a JSON document. Each method consumes one syntactic element
// and reports true, or reports false and means "not a shape the fast path
// takes": the caller then hands the whole document to encoding/json, which
// decides, and words the error if there is one. So the reader never has to
// explain a mistake, only to make sure that whatever it accepts is valid
// JSON as encoding/json's scanner defines it (json.Unmarshal rejects a
// document with a syntax error anywhere, even in a value it would ignore).
type Reader struct {
	Data []byte
	Pos  int
	// MaxDepth bounds the nesting Skip and Value recurse into; 0 means
	// MaxSkipDepth. A caller that must take every document encoding/json
	// takes sets DecoderMaxDepth.
	MaxDepth int
}

// MaxSkipDepth bounds the nesting of skipped values by default. encoding/json
// allows 10000 levels; deeper ones are left to it rather than recursed into
// here.
const MaxSkipDepth = 100

// DecoderMaxDepth is encoding/json's own nesting limit.
const DecoderMaxDepth = 10000

func (r *Reader) maxDepth() int {
	if r.MaxDepth > 0 {
		return r.MaxDepth
	}
	return MaxSkipDepth
}

// Peek skips white space and returns the next byte, 0 at the end.
func (r *Reader) Peek() byte {
	for ; r.Pos < len(r.Data); r.Pos++ {
		switch c := r.Data[r.Pos]; c {
		case ' ', '\t', '\n', '\r':
		default:
			return c
		}
	}
	return 0
}

// Consume skips white space and c, if c comes next.
func (r *Reader) Consume(c byte) bool {
	if r.Peek() != c {
		return false
	}
	r.Pos++
	return true
}

// AtEnd reports whether only white space is left: encoding/json rejects
// anything after the top-level value.
func (r *Reader) AtEnd() bool {
	return r.Peek() == 0 && r.Pos == len(r.Data)
}

// Literal consumes word (true, false or null) if it comes next. A letter
// glued to it ("nullx") is caught by the caller, which wants a ',' or a
// closing bracket after any value.
func (r *Reader) Literal(word string) bool {
	r.Peek()
	rest := r.Data[r.Pos:]
	if len(rest) < len(word) || string(rest[:len(word)]) != word {
		return false
	}
	r.Pos += len(word)
	return true
}

// Null consumes a null literal if one comes next.
func (r *Reader) Null() bool { return r.Literal("null") }

// Quoted reads a string: its bytes between the quotes and whether they hold
// escapes (see ScanString; Unquote gives its value).
func (r *Reader) Quoted() (raw []byte, escaped, ok bool) {
	r.Peek()
	raw, escaped, n, ok := ScanString(r.Data[r.Pos:])
	r.Pos += n
	return raw, escaped, ok
}

// Key reads an object key and the colon after it. A key with escapes is
// refused: encoding/json would unescape it before matching a field.
func (r *Reader) Key() ([]byte, bool) {
	raw, escaped, ok := r.Quoted()
	if !ok || escaped || !r.Consume(':') {
		return nil, false
	}
	return raw, true
}

// Next is called after a member or an element: more is true after a ','
// (another one must follow), false after the closing bracket.
func (r *Reader) Next(closing byte) (more, ok bool) {
	switch r.Peek() {
	case ',':
		r.Pos++
		return true, true
	case closing:
		r.Pos++
		return false, true
	}
	return false, false
}

// Object reads {"key": value, ...}, calling member after each key with
// the reader at the value; member reports whether it read the value.
func (r *Reader) Object(member func(key []byte) bool) bool {
	if !r.Consume('{') {
		return false
	}
	if r.Consume('}') {
		return true
	}
	for {
		key, ok := r.Key()
		if !ok || !member(key) {
			return false
		}
		if more, ok := r.Next('}'); !ok || !more {
			return ok
		}
	}
}

// Array reads [elem, ...], calling elem with the reader at each element.
func (r *Reader) Array(elem func() bool) bool {
	if !r.Consume('[') {
		return false
	}
	if r.Consume(']') {
		return true
	}
	for {
		if !elem() {
			return false
		}
		if more, ok := r.Next(']'); !ok || !more {
			return ok
		}
	}
}

// Int reads a number into an int as encoding/json would, taking only what
// strconv.ParseInt surely takes: an optional '-' and up to 18 digits with
// no leading zero. A fraction or an exponent (an error for an int field in
// encoding/json) and longer numbers are refused.
func (r *Reader) Int() (int, bool) {
	r.Peek()
	b := r.Data[r.Pos:]
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
	r.Pos += i
	if b[0] == '-' {
		n = -n
	}
	return n, true
}

// Value skips any valid value and returns its bytes, as encoding/json
// hands them to a json.RawMessage (without surrounding white space).
func (r *Reader) Value() ([]byte, bool) {
	r.Peek()
	start := r.Pos
	if !r.Skip(0) {
		return nil, false
	}
	return r.Data[start:r.Pos], true
}

// Skip checks and passes over one value of any kind, depth levels down.
func (r *Reader) Skip(depth int) bool {
	switch c := r.Peek(); {
	case c == '"':
		_, _, ok := r.Quoted()
		return ok
	case c == '{' || c == '[':
		if depth >= r.maxDepth() {
			return false
		}
		r.Pos++
		closing := byte(']')
		if c == '{' {
			closing = '}'
		}
		if r.Consume(closing) {
			return true
		}
		for {
			if c == '{' {
				if _, _, ok := r.Quoted(); !ok || !r.Consume(':') {
					return false
				}
			}
			if !r.Skip(depth + 1) {
				return false
			}
			if more, ok := r.Next(closing); !ok || !more {
				return ok
			}
		}
	case c == 't':
		return r.Literal("true")
	case c == 'f':
		return r.Literal("false")
	case c == 'n':
		return r.Literal("null")
	case c == '-' || isDigit(c):
		return r.number()
	}
	return false
}

// number passes over a number in JSON's grammar:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (r *Reader) number() bool {
	b, i := r.Data, r.Pos
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
	r.Pos = i
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
