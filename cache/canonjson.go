package cache

import (
	"errors"
	"math"
	"slices"
	"strconv"

	"github.com/sira-ai/caddy-ai-backends/internal/jsonscan"
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
const maxJSONDepth = jsonscan.DecoderMaxDepth

var errBadJSON = errors.New("cache: invalid JSON")

// canonJSON writes the canonical form of the single JSON value b: strings
// unescaped, numbers normalised (see canonNumber), whitespace dropped, and
// members ordered per rule. The encoding is tagged and length-prefixed, so
// different values never write the same bytes. jsonscan checks the syntax
// as encoding/json does.
func (w *keyWriter) canonJSON(b []byte, rule orderRule) error {
	r := jsonscan.Reader{Data: b, MaxDepth: maxJSONDepth}
	if err := w.canonValue(&r, rule, 0); err != nil {
		return err
	}
	if !r.AtEnd() {
		return errBadJSON
	}
	return nil
}

// canonValue writes the value at the reader and moves past it.
func (w *keyWriter) canonValue(r *jsonscan.Reader, rule orderRule, depth int) error {
	switch c := r.Peek(); {
	case c == '{' || c == '[':
		if depth >= maxJSONDepth {
			return errBadJSON
		}
		if c == '{' {
			return w.canonObject(r, rule, depth+1)
		}
		return w.canonArray(r, rule, depth+1)
	case c == '"':
		raw, escaped, ok := r.Quoted()
		if !ok {
			return errBadJSON
		}
		w.bytesStr(stringValue(raw, escaped))
		return nil
	case c == '-' || (c >= '0' && c <= '9'):
		lit, ok := r.Value()
		if !ok {
			return errBadJSON
		}
		text, err := canonNumber(lit)
		if err != nil {
			return err
		}
		w.tag(tagNumber)
		w.uvarint(uint64(len(text)))
		w.buf = append(w.buf, text...)
		return nil
	}
	for _, lit := range [...]struct {
		text string
		tag  byte
	}{{"true", tagTrue}, {"false", tagFalse}, {"null", tagNull}} {
		if r.Literal(lit.text) {
			w.tag(lit.tag)
			return nil
		}
	}
	return errBadJSON
}

func (w *keyWriter) canonArray(r *jsonscan.Reader, rule orderRule, depth int) error {
	w.tag(tagArray)
	r.Pos++ // the '[' canonValue saw
	if r.Consume(']') {
		w.tag(tagEnd)
		return nil
	}
	for {
		if err := w.canonValue(r, rule, depth); err != nil {
			return err
		}
		more, ok := r.Next(']')
		if !ok {
			return errBadJSON
		}
		if !more {
			w.tag(tagEnd)
			return nil
		}
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
func (w *keyWriter) canonObject(r *jsonscan.Reader, rule orderRule, depth int) error {
	w.tag(tagObject)
	start := len(w.members)
	defer func() { w.members = w.members[:start] }()
	r.Pos++ // the '{' canonValue saw
	if r.Consume('}') {
		w.tag(tagEnd)
		return nil
	}
	for more := true; more; {
		key, ok := memberKey(r)
		if !ok {
			return errBadJSON
		}
		from := len(w.buf)
		w.bytesStr(key)
		if err := w.canonValue(r, rule.childRule(key), depth); err != nil {
			return err
		}
		w.members = append(w.members, member{key: key, from: from, to: len(w.buf)})
		if more, ok = r.Next('}'); !ok {
			return errBadJSON
		}
	}
	if rule != keepOrder && depth <= maxSortDepth {
		w.reorder(w.members[start:])
	}
	w.tag(tagEnd)
	return nil
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
