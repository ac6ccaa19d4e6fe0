package jsonscan

import "strings"

// String reads a string into dst as encoding/json would (escapes
// included); null leaves dst alone, as encoding/json does. scratch is
// Unquote's buffer, kept by the caller across calls.
func (r *Reader) String(dst *string, scratch *[]byte) bool {
	return r.KnownString(dst, scratch)
}

// KnownString is String that reuses one of values instead of allocating
// when the string equals it (a role, a finish reason).
func (r *Reader) KnownString(dst *string, scratch *[]byte, values ...string) bool {
	if r.Null() {
		return true
	}
	raw, escaped, ok := r.Quoted()
	if !ok {
		return false
	}
	if !escaped {
		for _, v := range values {
			if string(raw) == v {
				*dst = v
				return true
			}
		}
	}
	*dst = Unquote(raw, escaped, scratch)
	return true
}

// Interned is String for a value that repeats from one stream event to
// the next (an id, a model name): when it equals *last, *last is reused
// instead of allocating, and a new value becomes *last.
func (r *Reader) Interned(dst, last *string, scratch *[]byte) bool {
	if r.Null() {
		return true
	}
	raw, escaped, ok := r.Quoted()
	if !ok {
		return false
	}
	if !escaped && string(raw) == *last {
		*dst = *last
		return true
	}
	*dst = Unquote(raw, escaped, scratch)
	*last = *dst
	return true
}

// Bool reads true or false into dst; null leaves it alone.
func (r *Reader) Bool(dst *bool) bool {
	switch {
	case r.Literal("true"):
		*dst = true
	case r.Literal("false"):
		*dst = false
	case !r.Null():
		return false
	}
	return true
}

// SkipUnmatched passes over the value of a member that no field of a
// struct takes: it declines (false) when encoding/json could still match
// key to one of fields, regardless of case or by folding a non-ASCII
// letter onto an ASCII one, so that the caller leaves the body to it.
func (r *Reader) SkipUnmatched(key []byte, fields ...string) bool {
	for _, c := range key {
		if c >= 0x80 {
			return false
		}
	}
	for _, f := range fields {
		if strings.EqualFold(string(key), f) {
			return false
		}
	}
	return r.Skip(0)
}

// Members reads an object as Object does, for a decoder that takes each
// member once (encoding/json merges a repeated one in ways a fast decoder
// does not follow): member reads the value after key and returns a bit
// naming the member (0 for one that may repeat, such as a skipped one) and
// whether it read the value. A bit seen before declines.
func (r *Reader) Members(member func(key []byte) (bit int, ok bool)) bool {
	seen := 0
	return r.Object(func(key []byte) bool {
		bit, ok := member(key)
		if !ok || seen&bit != 0 {
			return false
		}
		seen |= bit
		return true
	})
}
