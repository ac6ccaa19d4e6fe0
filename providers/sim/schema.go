package sim

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// Bounds that keep a hostile schema from making a huge answer.
const (
	maxSchemaDepth = 6
	maxArrayItems  = 3
	maxProperties  = 64
	maxValueTokens = 2048 // past it, objects and arrays are left empty
)

// schemaNode holds the JSON Schema keywords the simulator honours when it
// makes up a value: enough for tool arguments and structured outputs as
// clients write them, not a validator.
type schemaNode struct {
	Type       json.RawMessage            `json:"type"` // a name or a list of names
	Properties map[string]json.RawMessage `json:"properties"`
	Required   []string                   `json:"required"`
	Enum       []json.RawMessage          `json:"enum"`
	Const      json.RawMessage            `json:"const"`
	Items      json.RawMessage            `json:"items"`
	MinItems   int                        `json:"minItems"`
	AnyOf      []json.RawMessage          `json:"anyOf"`
	OneOf      []json.RawMessage          `json:"oneOf"`
}

// instance writes a JSON value that fits schema: required properties of
// objects (recursively), a vocabulary word for strings, small numbers, the
// first enum or const value. Each scalar value ends a token, so a stream
// can send the value in fragments as a model would. A schema that cannot
// be read yields a string, or {} at the root of tool arguments.
func (b *answerBuilder) instance(schema json.RawMessage, seq *sequence, depth int) {
	var s schemaNode
	if len(schema) == 0 || json.Unmarshal(schema, &s) != nil {
		s = schemaNode{}
	}
	switch {
	case len(s.Const) > 0:
		b.rawJSON(s.Const)
		return
	case len(s.Enum) > 0:
		b.rawJSON(s.Enum[0])
		return
	}
	typ := s.typeName()
	if typ == "" {
		switch {
		case s.Properties != nil || s.Required != nil:
			typ = "object"
		case len(s.AnyOf) > 0 && depth < maxSchemaDepth:
			b.instance(s.AnyOf[0], seq, depth+1)
			return
		case len(s.OneOf) > 0 && depth < maxSchemaDepth:
			b.instance(s.OneOf[0], seq, depth+1)
			return
		case s.Items != nil:
			typ = "array"
		default:
			typ = "string"
		}
	}
	switch typ {
	case "object":
		b.object(&s, seq, depth)
	case "array":
		b.raw("[")
		if depth < maxSchemaDepth && b.tokens < maxValueTokens {
			for i := range min(s.MinItems, maxArrayItems) {
				if i > 0 {
					b.raw(",")
				}
				b.instance(s.Items, seq, depth+1)
			}
		}
		b.raw("]")
	case "integer", "number":
		b.sb.WriteString(strconv.Itoa(1 + seq.below(99)))
		b.endToken()
	case "boolean":
		b.raw(strconv.FormatBool(seq.next()&1 == 0))
		b.endToken()
	case "null":
		b.raw("null")
		b.endToken()
	default:
		b.raw(`"`)
		b.raw(vocabulary[seq.below(len(vocabulary))])
		b.raw(`"`)
		b.endToken()
	}
}

// arguments writes tool-call arguments for a function's parameters schema:
// always an object, {} when the schema requires nothing or cannot be read.
func (b *answerBuilder) arguments(schema json.RawMessage, seq *sequence) {
	var s schemaNode
	if len(schema) == 0 || json.Unmarshal(schema, &s) != nil {
		s = schemaNode{}
	}
	if t := s.typeName(); t != "" && t != "object" {
		s = schemaNode{}
	}
	b.object(&s, seq, 0)
}

// object writes the members of an object: its required properties, in the
// order the schema lists them, each once.
func (b *answerBuilder) object(s *schemaNode, seq *sequence, depth int) {
	b.raw("{")
	defer b.raw("}")
	if depth >= maxSchemaDepth || b.tokens >= maxValueTokens {
		return
	}
	written := 0
	for i, name := range s.Required {
		if written == maxProperties || seen(s.Required[:i], name) {
			continue
		}
		if written > 0 {
			b.raw(",")
		}
		writeJSONString(&b.sb, name)
		b.raw(":")
		b.instance(s.Properties[name], seq, depth+1)
		written++
	}
}

func seen(names []string, name string) bool {
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}

// typeName returns the schema's type, the first non-null one of a list.
func (s *schemaNode) typeName() string {
	t := bytes.TrimSpace(s.Type)
	if len(t) == 0 {
		return ""
	}
	if t[0] == '"' {
		var one string
		_ = json.Unmarshal(t, &one)
		return one
	}
	var many []string
	_ = json.Unmarshal(t, &many)
	for _, name := range many {
		if name != "null" {
			return name
		}
	}
	if len(many) > 0 {
		return "null"
	}
	return ""
}

// rawJSON writes a literal value from the schema (compacted) as one token.
func (b *answerBuilder) rawJSON(v json.RawMessage) {
	var buf bytes.Buffer
	if json.Compact(&buf, v) != nil {
		b.raw("null")
	} else {
		b.sb.Write(buf.Bytes())
	}
	b.endToken()
}
