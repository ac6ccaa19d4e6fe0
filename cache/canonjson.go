package cache

import (
	"bytes"
	"errors"
	"math"
	"slices"
	"strconv"
)

// orderRule says whether an object's member order is part of its meaning.
type orderRule uint8

const (
	// keepOrder writes members in the order they were sent. Used where order
	// may matter or is unknown: a JSON Schema's properties decide the order
	// in which structured output is generated, and fields the gateway does
	// not know are kept as the client wrote them.
	keepOrder orderRule = iota
	// sortKeys sorts members by key at every depth: chat messages and their
	// content parts mean the same in any member order.
	sortKeys
	// sortKeysExceptSchemas sorts like sortKeys but keeps the order inside
	// the value of a "parameters" or "schema" member (tool definitions).
	sortKeysExceptSchemas
)

// childRule is the rule for the value of member key within an object
// written under rule.
func (r orderRule) childRule(key []byte) orderRule {
	if r == sortKeysExceptSchemas && (string(key) == "parameters" || string(key) == "schema") {
		return keepOrder
	}
	return r
}

// member is one object member: the key (unescaped), and either its raw
// value (collectMembers) or where its encoding lies in the key writer's
// buffer (canonObject).
type member struct {
	key      []byte
	val      []byte
	from, to int
}

// maxJSONDepth matches encoding/json's nesting limit, so any body the
// handler could decode can be canonicalised, and no input can exhaust the
// stack.
const maxJSONDepth = 10000

var errBadJSON = errors.New("cache: invalid JSON")

// canonJSON writes the canonical form of the single JSON value b: strings
// unescaped, numbers normalised (see canonNumber), whitespace dropped, and
// members ordered per rule. The encoding is tagged and length-prefixed, so
// different values never write the same bytes.
func (w *keyWriter) canonJSON(b []byte, rule orderRule) error {
	end, err := w.canonValue(b, skipSpace(b, 0), rule, 0)
	if err != nil {
		return err
	}
	if skipSpace(b, end) != len(b) {
		return errBadJSON
	}
	return nil
}

// canonValue writes the value starting at b[i] and returns the index just
// past it.
func (w *keyWriter) canonValue(b []byte, i int, rule orderRule, depth int) (int, error) {
	if i >= len(b) {
		return 0, errBadJSON
	}
	switch c := b[i]; {
	case c == '{':
		if depth >= maxJSONDepth {
			return 0, errBadJSON
		}
		return w.canonObject(b, i, rule, depth+1)
	case c == '[':
		if depth >= maxJSONDepth {
			return 0, errBadJSON
		}
		return w.canonArray(b, i, rule, depth+1)
	case c == '"':
		s, end, err := readString(b, i)
		if err != nil {
			return 0, err
		}
		w.bytesStr(s)
		return end, nil
	case c == '-' || (c >= '0' && c <= '9'):
		end := scanNumber(b, i)
		text, err := canonNumber(b[i:end])
		if err != nil {
			return 0, err
		}
		w.tag(tagNumber)
		w.uvarint(uint64(len(text)))
		w.buf = append(w.buf, text...)
		return end, nil
	}
	for _, lit := range [...]struct {
		text string
		tag  byte
	}{{"true", tagTrue}, {"false", tagFalse}, {"null", tagNull}} {
		if bytes.HasPrefix(b[i:], []byte(lit.text)) {
			w.tag(lit.tag)
			return i + len(lit.text), nil
		}
	}
	return 0, errBadJSON
}

func (w *keyWriter) canonArray(b []byte, i int, rule orderRule, depth int) (int, error) {
	w.tag(tagArray)
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		w.tag(tagEnd)
		return i + 1, nil
	}
	for {
		end, err := w.canonValue(b, skipSpace(b, i), rule, depth)
		if err != nil {
			return 0, err
		}
		next, done, err := afterItem(b, end, ']')
		if err != nil {
			return 0, err
		}
		if done {
			w.tag(tagEnd)
			return next, nil
		}
		i = next
	}
}

// maxSortDepth bounds how deep members are sorted; deeper objects keep
// their order. Sorting moves an object's encoded members, so each sorting
// level costs a copy of its subtree: the bound keeps a hostile, deeply
// nested body linear in its size. Real requests nest far less.
const maxSortDepth = 32

// canonObject writes an object's members in one pass, each member's key and
// canonical value as met, then reorders the encoded members by key unless
// rule keeps the order. Member records live on the writer's shared stack,
// so nested objects need no allocation.
func (w *keyWriter) canonObject(b []byte, i int, rule orderRule, depth int) (int, error) {
	w.tag(tagObject)
	start := len(w.members)
	defer func() { w.members = w.members[:start] }()
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		w.tag(tagEnd)
		return i + 1, nil
	}
	for done := false; !done; {
		key, valStart, err := memberKey(b, i)
		if err != nil {
			return 0, err
		}
		from := len(w.buf)
		w.bytesStr(key)
		end, err := w.canonValue(b, valStart, rule.childRule(key), depth)
		if err != nil {
			return 0, err
		}
		w.members = append(w.members, member{key: key, from: from, to: len(w.buf)})
		if i, done, err = afterItem(b, end, '}'); err != nil {
			return 0, err
		}
	}
	if rule != keepOrder && depth <= maxSortDepth {
		w.reorder(w.members[start:])
	}
	w.tag(tagEnd)
	return i, nil
}

// reorder rewrites the encoded members ms, which lie back to back at the
// end of w.buf, in key order.
func (w *keyWriter) reorder(ms []member) {
	if slices.IsSortedFunc(ms, compareKeys) {
		return
	}
	base := ms[0].from
	w.scratch = append(w.scratch[:0], w.buf[base:]...)
	sortMembers(ms)
	w.buf = w.buf[:base]
	for _, m := range ms {
		w.buf = append(w.buf, w.scratch[m.from-base:m.to-base]...)
	}
}

// exactFloatInts bounds the integers printed without exponent: below it a
// float64 holds every integer exactly.
const exactFloatInts = 1e15

// canonNumber returns one spelling per number: 1, 1.0, 1e0 and 10e-1 all
// become "1"; -0 becomes "0". Integer literals are kept as written (JSON
// forbids leading zeros, so they already are canonical), which keeps big IDs
// exact. Other literals go through float64, the type every upstream parses
// them into; two literals only collide if they denote the same float64.
func canonNumber(lit []byte) ([]byte, error) {
	if len(lit) == 0 {
		return nil, errBadJSON
	}
	if isIntegerLiteral(lit) {
		if string(lit) == "-0" {
			return []byte("0"), nil
		}
		return lit, nil
	}
	f, err := strconv.ParseFloat(string(lit), 64)
	if err != nil {
		var numErr *strconv.NumError
		if errors.As(err, &numErr) && numErr.Err == strconv.ErrRange {
			return lit, nil // beyond float64: keep the exact text
		}
		return nil, errBadJSON
	}
	if f == math.Trunc(f) && math.Abs(f) < exactFloatInts {
		return strconv.AppendInt(nil, int64(f), 10), nil
	}
	return strconv.AppendFloat(nil, f, 'g', -1, 64), nil
}

func isIntegerLiteral(lit []byte) bool {
	digits := lit
	if digits[0] == '-' {
		digits = digits[1:]
	}
	if len(digits) == 0 || (len(digits) > 1 && digits[0] == '0') {
		return false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
