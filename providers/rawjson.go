package providers

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/sira-ai/caddy-ai-backends/internal/jsonscan"
)

// SetTopLevel returns obj (a JSON object) with its top-level key set to value
// (raw JSON), replacing an existing member in place or appending a new one.
// It scans only the top level, so a pass-through request is patched without
// decoding and re-encoding fields the gateway does not know.
func SetTopLevel(obj []byte, key string, value []byte) ([]byte, error) {
	_, start, end, found, err := findMember(obj, key)
	if err != nil {
		return nil, err
	}
	if found {
		out := make([]byte, 0, len(obj)-(end-start)+len(value))
		out = append(out, obj[:start]...)
		out = append(out, value...)
		return append(out, obj[end:]...), nil
	}
	closing := bytes.LastIndexByte(obj, '}')
	body := bytes.TrimSpace(obj[:closing])
	out := make([]byte, 0, len(obj)+len(key)+len(value)+4)
	out = append(out, body...)
	if len(body) > 1 { // more than "{": separate from the previous member
		out = append(out, ',')
	}
	quoted, _ := json.Marshal(key) // escapes what a JSON name must not hold raw
	out = append(out, quoted...)
	out = append(out, ':')
	out = append(out, value...)
	return append(out, '}'), nil
}

// DeleteTopLevel returns obj without its top-level key (unchanged if absent).
func DeleteTopLevel(obj []byte, key string) ([]byte, error) {
	keyStart, _, valEnd, found, err := findMember(obj, key)
	if err != nil || !found {
		return obj, err
	}
	// Remove the member and one adjacent comma.
	i, j := keyStart, valEnd
	if k := skipSpace(obj, j); k < len(obj) && obj[k] == ',' {
		j = k + 1
	} else {
		for i > 0 && isSpace(obj[i-1]) {
			i--
		}
		if i > 0 && obj[i-1] == ',' {
			i--
		}
	}
	out := make([]byte, 0, len(obj)-(j-i))
	out = append(out, obj[:i]...)
	return append(out, obj[j:]...), nil
}

// GetTopLevel returns the raw value of a top-level key, or nil.
func GetTopLevel(obj []byte, key string) []byte {
	_, start, end, found, err := findMember(obj, key)
	if err != nil || !found {
		return nil
	}
	return obj[start:end]
}

var errNotObject = errors.New("body is not a JSON object")

// findMember locates a top-level member: where its key starts and where its
// value starts and ends.
func findMember(obj []byte, key string) (keyStart, valStart, valEnd int, found bool, err error) {
	err = walkTopLevel(obj, func(ks int, name []byte, vs, ve int) bool {
		if string(name) == key {
			keyStart, valStart, valEnd, found = ks, vs, ve, true
			return false
		}
		return true
	})
	return keyStart, valStart, valEnd, found, err
}

// walkTopLevel calls fn for each top-level member of obj in order, with
// where its key starts, its name (still escaped, without quotes) and where
// its value starts and ends, until fn returns false. Nested values are
// checked and skipped by jsonscan, not decoded.
func walkTopLevel(obj []byte, fn func(keyStart int, name []byte, valStart, valEnd int) bool) error {
	r := jsonscan.Reader{Data: obj, MaxDepth: jsonscan.DecoderMaxDepth}
	if !r.Consume('{') {
		return errNotObject
	}
	if r.Consume('}') {
		return nil
	}
	for {
		r.Peek()
		ks := r.Pos
		name, _, ok := r.Quoted()
		if !ok || !r.Consume(':') {
			return errNotObject
		}
		r.Peek()
		vs := r.Pos
		if !r.Skip(1) {
			return errNotObject
		}
		if !fn(ks, name, vs, r.Pos) {
			return nil
		}
		more, ok := r.Next('}')
		if !ok {
			return errNotObject
		}
		if !more {
			return nil
		}
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// EachTopLevel calls fn with the name (still JSON-escaped, without quotes)
// of each top-level member of obj, in order, without decoding the values.
func EachTopLevel(obj []byte, fn func(name []byte)) error {
	return walkTopLevel(obj, func(_ int, name []byte, _, _ int) bool {
		fn(name)
		return true
	})
}
