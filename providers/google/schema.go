package google

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// Gemini takes a schema (tool parameters, structured output) in two forms:
//
//   - parameters / responseSchema: Gemini's Schema object, a subset of
//     OpenAPI 3.0. It is understood by every model, but its proto-based
//     parser rejects keywords outside the subset ("Unknown name
//     additionalProperties"), and an OBJECT needs non-empty properties.
//   - parametersJsonSchema / responseJsonSchema: plain JSON Schema, for
//     newer models ($ref, $defs, oneOf, const, type arrays, maps...).
//
// The two are mutually exclusive. A client schema that fits the subset once
// annotation-only keywords are dropped goes as the subset (the widest model
// support); anything richer goes verbatim as JSON Schema rather than being
// changed in meaning. Dropped: $schema, $id, $comment, title, examples,
// default, deprecated, readOnly, writeOnly, and additionalProperties:false
// (the subset never produces extra properties anyway).

// errSchemaNotObject is returned for a schema that is not a JSON object.
var errSchemaNotObject = errors.New("schema must be a JSON object")

// schemaForms returns the schema as Gemini's subset or, when it does not
// fit, as JSON Schema; exactly one is set, or neither for a tool without
// parameters. forResponse marks a structured-output schema: its properties
// get propertyOrdering (Gemini otherwise orders them alphabetically) and an
// empty object is not dropped.
func schemaForms(raw json.RawMessage, forResponse bool) (subset, full json.RawMessage, err error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, nil, nil
	}
	if raw[0] != '{' || !json.Valid(raw) {
		return nil, nil, errSchemaNotObject
	}
	s := schemaConverter{forResponse: forResponse}
	if !forResponse && isEmptyObjectSchema(raw) {
		return nil, nil, nil // a function without parameters: leave them unset
	}
	var out bytes.Buffer
	if s.convert(&out, raw, 0) {
		return out.Bytes(), nil, nil
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		return nil, nil, err
	}
	return nil, compact.Bytes(), nil
}

// isEmptyObjectSchema reports whether a schema only says "an object with no
// properties", e.g. {"type":"object","properties":{},"additionalProperties":false}.
func isEmptyObjectSchema(raw []byte) bool {
	members, err := objectMembers(raw)
	if err != nil {
		return false
	}
	for _, m := range members {
		switch m.key {
		case "type":
			if string(m.value) != `"object"` && string(m.value) != `"OBJECT"` {
				return false
			}
		case "properties":
			props, err := objectMembers(m.value)
			if err != nil || len(props) > 0 {
				return false
			}
		case "additionalProperties":
			if string(m.value) != "false" {
				return false
			}
		case "required":
			if string(bytes.TrimSpace(m.value)) != "[]" {
				return false
			}
		default:
			if !droppedKeywords[m.key] && m.key != "description" {
				return false
			}
		}
	}
	return true
}

// droppedKeywords carry no constraint Gemini would enforce.
var droppedKeywords = map[string]bool{
	"$schema": true, "$id": true, "$comment": true, "title": true, "examples": true,
	"default": true, "deprecated": true, "readOnly": true, "writeOnly": true,
}

var subsetTypes = map[string]bool{
	"string": true, "number": true, "integer": true, "boolean": true, "array": true, "object": true,
	"STRING": true, "NUMBER": true, "INTEGER": true, "BOOLEAN": true, "ARRAY": true, "OBJECT": true,
}

// subsetFormats are the formats Gemini's Schema documents.
var subsetFormats = map[string]bool{
	"enum": true, "date-time": true, "float": true, "double": true, "int32": true, "int64": true,
}

type schemaConverter struct {
	forResponse bool
}

// convert writes the subset form of the schema node raw to out and reports
// whether the node (and everything below it) fits the subset.
func (s schemaConverter) convert(out *bytes.Buffer, raw []byte, depth int) bool {
	if depth > 64 {
		return false
	}
	members, err := objectMembers(raw)
	if err != nil {
		return false
	}
	var typ string
	hasAnyOf, hasOrdering, hasEnum := false, false, false
	var propKeys []string
	out.WriteByte('{')
	// Members are written as they are read: a node that does not fit
	// fails the whole conversion, and the caller drops out.
	n := 0
	key := func(k string) {
		if n > 0 {
			out.WriteByte(',')
		}
		n++
		writeKey(out, k)
	}
	write := func(k string, value []byte) {
		key(k)
		out.Write(value)
	}
	for _, m := range members {
		switch m.key {
		case "additionalProperties":
			if string(m.value) != "false" {
				return false
			}
		case "type":
			if json.Unmarshal(m.value, &typ) != nil || !subsetTypes[typ] {
				return false
			}
			write(m.key, compactJSON(m.value))
		case "format":
			var f string
			if json.Unmarshal(m.value, &f) != nil || !subsetFormats[f] {
				return false
			}
			write(m.key, compactJSON(m.value))
		case "description", "pattern":
			var str string
			if json.Unmarshal(m.value, &str) != nil {
				return false
			}
			write(m.key, compactJSON(m.value))
		case "nullable":
			var b bool
			if json.Unmarshal(m.value, &b) != nil {
				return false
			}
			write(m.key, compactJSON(m.value))
		case "enum":
			hasEnum = true
			fallthrough
		case "required", "propertyOrdering":
			var list []string
			if json.Unmarshal(m.value, &list) != nil {
				return false
			}
			hasOrdering = hasOrdering || m.key == "propertyOrdering"
			write(m.key, compactJSON(m.value))
		case "minItems", "maxItems", "minProperties", "maxProperties", "minLength", "maxLength", "minimum", "maximum":
			var num json.Number
			if json.Unmarshal(m.value, &num) != nil {
				return false
			}
			write(m.key, compactJSON(m.value))
		case "items":
			key(m.key)
			if !s.convert(out, m.value, depth+1) {
				return false
			}
		case "anyOf":
			var alts []json.RawMessage
			if json.Unmarshal(m.value, &alts) != nil || len(alts) == 0 {
				return false
			}
			hasAnyOf = true
			key(m.key)
			if !writeList(out, '[', ']', len(alts), func(i int) bool { return s.convert(out, alts[i], depth+1) }) {
				return false
			}
		case "properties":
			props, err := objectMembers(m.value)
			if err != nil {
				return false
			}
			key(m.key)
			if !writeList(out, '{', '}', len(props), func(i int) bool {
				writeKey(out, props[i].key)
				propKeys = append(propKeys, props[i].key)
				return s.convert(out, props[i].value, depth+1)
			}) {
				return false
			}
		default:
			if !droppedKeywords[m.key] {
				return false
			}
		}
	}
	switch {
	case typ == "" && !hasAnyOf: // the subset needs a type
		return false
	case (typ == "object" || typ == "OBJECT") && len(propKeys) == 0: // "should be non-empty for OBJECT type"
		return false
	case hasEnum && typ != "string" && typ != "STRING": // enum is for strings only
		return false
	}
	if s.forResponse && !hasOrdering && len(propKeys) > 1 {
		ordering, _ := json.Marshal(propKeys)
		write("propertyOrdering", ordering)
	}
	out.WriteByte('}')
	return true
}

type member struct {
	key   string
	value json.RawMessage
}

// objectMembers returns a JSON object's members in document order.
func objectMembers(raw []byte) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errSchemaNotObject
	}
	var members []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, ok := tok.(string)
		if !ok {
			return nil, errSchemaNotObject
		}
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, err
		}
		members = append(members, member{key: key, value: value})
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errSchemaNotObject
	}
	return members, nil
}

// writeList writes n elements between open and close, comma-separated;
// elem writes the i-th and reports whether it fits the subset.
func writeList(out *bytes.Buffer, open, close byte, n int, elem func(i int) bool) bool {
	out.WriteByte(open)
	for i := range n {
		if i > 0 {
			out.WriteByte(',')
		}
		if !elem(i) {
			return false
		}
	}
	out.WriteByte(close)
	return true
}

func writeKey(out *bytes.Buffer, key string) {
	k, _ := json.Marshal(key)
	out.Write(k)
	out.WriteByte(':')
}

func compactJSON(raw []byte) []byte {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return raw
	}
	return b.Bytes()
}
