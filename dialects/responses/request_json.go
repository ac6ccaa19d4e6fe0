package responses

// The JSON walking the request decoder is built on: members and elements
// with their paths (for errors that name the offending value), and typed
// values with OpenAI's error wording.

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"

	"github.com/sira-ai/caddy-ai-backends/internal/jsonscan"
	"github.com/sira-ai/caddy-ai-backends/providers"
	"github.com/sira-ai/caddy-ai-backends/security"
)

// member is one object member as scanned.
type member struct {
	key   string
	value json.RawMessage
}

// eachMember calls fn for each member of the JSON object v, in order.
// path names v in errors ("" for the body itself). The values alias v.
// The common case is scanned without reflection (jsonscan); anything the
// scanner does not take (escaped keys, syntax errors, deep nesting) goes
// through encoding/json, which words the error.
func eachMember(v []byte, path string, fn func(key string, v json.RawMessage) error) error {
	members, ok := scanMembers(v)
	if !ok {
		var err error
		if members, err = decodeMembers(v, path); err != nil {
			return err
		}
	}
	for i, m := range members {
		full := join(path, m.key)
		if m.key == "" {
			return invalid(path, codeInvalidValue, "A parameter name in '%s' is empty.", orDefault(path, "the request body"))
		}
		for _, prev := range members[:i] {
			if prev.key == m.key {
				return invalid(full, codeInvalidValue, "Duplicate parameter: '%s'.", full)
			}
		}
		if err := fn(m.key, m.value); err != nil {
			return err
		}
	}
	return nil
}

// scanMembers is the fast path of eachMember: ok is false when v is not a
// lone, plainly keyed JSON object the scanner accepts.
func scanMembers(v []byte) ([]member, bool) {
	r := jsonscan.Reader{Data: v}
	members := make([]member, 0, 8)
	ok := r.Object(func(key []byte) bool {
		for _, c := range key {
			if c >= 0x80 { // encoding/json would replace invalid UTF-8: let it
				return false
			}
		}
		val, ok := r.Value()
		members = append(members, member{string(key), val})
		return ok
	})
	return members, ok && r.AtEnd()
}

// decodeMembers is the slow path of eachMember, with encoding/json's errors.
func decodeMembers(v []byte, path string) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(v))
	tok, err := dec.Token()
	if err != nil {
		if path == "" {
			return nil, bodyError(err)
		}
		return nil, wrongType(path, "an object")
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		if path == "" {
			return nil, invalid("", codeInvalidType, "The request body must be a JSON object.")
		}
		return nil, wrongType(path, "an object")
	}
	var members []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, bodyError(err)
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, bodyError(err)
		}
		members = append(members, member{key, raw})
	}
	if _, err := dec.Token(); err != nil {
		return nil, bodyError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, invalid("", codeInvalidValue, "The request body holds more than one JSON value.")
	}
	return members, nil
}

// eachElement calls fn for each element of the JSON array v.
func eachElement(v []byte, path string, fn func(i int, v json.RawMessage) error) error {
	r := jsonscan.Reader{Data: v}
	elems := make([]json.RawMessage, 0, 8)
	ok := r.Array(func() bool {
		val, ok := r.Value()
		elems = append(elems, val)
		return ok
	})
	if !ok || !r.AtEnd() {
		elems = nil
		if err := json.Unmarshal(v, &elems); err != nil {
			return wrongType(path, "an array")
		}
	}
	for i, e := range elems {
		if err := fn(i, e); err != nil {
			return err
		}
	}
	return nil
}

func bodyError(err error) *providers.Error {
	return &providers.Error{Kind: providers.KindInvalidRequest, Code: "invalid_json",
		Message: "We could not parse the JSON body of your request: " + err.Error(), Err: err}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

func isNull(v []byte) bool { return bytes.Equal(bytes.TrimSpace(v), []byte("null")) }

// decodeString and decodeBool take a plain string or boolean directly and
// leave anything else (null, a wrong type) to encoding/json: its
// reflection for each scalar member was 70 % of Decode's CPU for a typical
// request, and a relayed request (BenchmarkGatewayCPU/responses/pass) went
// from 118 to 113 allocations without it. FuzzScalarDecoders holds them to
// encoding/json.
func decodeString(v []byte, param string, out *string) error {
	if raw, escaped, n, ok := jsonscan.ScanString(v); ok && n == len(v) {
		*out = jsonscan.Unquote(raw, escaped, nil)
		return nil
	}
	if err := json.Unmarshal(v, out); err != nil {
		return wrongType(param, "a string")
	}
	return nil
}

// decodeBoolTo is decodeBool into a field, as decodeString is.
func decodeBoolTo(v []byte, param string, out *bool) error {
	b, err := decodeBool(v, param)
	if err == nil {
		*out = b
	}
	return err
}

func decodeBoolPtr(v []byte, param string, out **bool) error {
	b, err := decodeBool(v, param)
	if err != nil {
		return err
	}
	*out = &b
	return nil
}

// decodeBool reads a boolean; null is false, as encoding/json leaves it.
func decodeBool(v []byte, param string) (bool, error) {
	switch string(v) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	var b bool
	if err := json.Unmarshal(v, &b); err != nil {
		return false, wrongType(param, "a boolean")
	}
	return b, nil
}

func decodeInt(v []byte, param string) (int, error) {
	var n int
	if err := json.Unmarshal(v, &n); err != nil {
		return 0, wrongType(param, "an integer")
	}
	return n, nil
}

func decodeRange(v []byte, param string, lo, hi float64, out **float64) error {
	var f float64
	if err := json.Unmarshal(v, &f); err != nil {
		return wrongType(param, "a number")
	}
	if f < lo || f > hi {
		return invalid(param, codeInvalidValue, "Invalid '%s': expected a number between %g and %g, but got %g instead.", param, lo, hi, f)
	}
	*out = &f
	return nil
}

// checkDepth refuses JSON nested deeper than maxDepth before any decoding,
// in the words of OpenAI's error.
func checkDepth(body []byte) error {
	if security.CheckJSONDepth(body, maxDepth) != nil {
		return invalid("", codeInvalidValue, "The request body is nested more than %d levels deep.", maxDepth)
	}
	return nil
}
