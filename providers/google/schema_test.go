package google

import "testing"

func TestSchemaForms(t *testing.T) {
	tests := []struct {
		name        string
		in          string
		forResponse bool
		subset      string // "" = not sent as the subset
		full        string // "" = not sent as JSON Schema
	}{
		{name: "absent", in: ``},
		{name: "null", in: `null`},
		{name: "empty object drops parameters", in: `{"type":"object","properties":{},"additionalProperties":false,"required":[]}`},
		{name: "bare object drops parameters", in: `{"type":"object"}`},
		{name: "empty object for a response is JSON Schema", in: `{"type":"object","properties":{}}`, forResponse: true,
			full: `{"type":"object","properties":{}}`},
		{
			name:   "annotations dropped, order kept",
			in:     `{"$schema":"x","title":"T","type":"object","properties":{"b":{"type":"number","default":1,"minimum":0},"a":{"type":"array","items":{"type":"string","format":"date-time"},"maxItems":3}},"required":["b"]}`,
			subset: `{"type":"object","properties":{"b":{"type":"number","minimum":0},"a":{"type":"array","items":{"type":"string","format":"date-time"},"maxItems":3}},"required":["b"]}`,
		},
		{
			name:        "response gets propertyOrdering",
			in:          `{"type":"object","properties":{"z":{"type":"string"},"a":{"type":"string","nullable":true}}}`,
			forResponse: true,
			subset:      `{"type":"object","properties":{"z":{"type":"string"},"a":{"type":"string","nullable":true}},"propertyOrdering":["z","a"]}`,
		},
		{
			name:        "explicit propertyOrdering kept",
			in:          `{"type":"object","properties":{"z":{"type":"string"},"a":{"type":"string"}},"propertyOrdering":["a","z"]}`,
			forResponse: true,
			subset:      `{"type":"object","properties":{"z":{"type":"string"},"a":{"type":"string"}},"propertyOrdering":["a","z"]}`,
		},
		{
			name:   "anyOf without type",
			in:     `{"type":"object","properties":{"v":{"anyOf":[{"type":"string"},{"type":"integer"}]}}}`,
			subset: `{"type":"object","properties":{"v":{"anyOf":[{"type":"string"},{"type":"integer"}]}}}`,
		},
		{name: "additionalProperties schema", in: `{"type":"object","properties":{"m":{"type":"object","additionalProperties":{"type":"string"}}}}`,
			full: `{"type":"object","properties":{"m":{"type":"object","additionalProperties":{"type":"string"}}}}`},
		{name: "$ref", in: `{"type":"object","properties":{"a":{"$ref":"#/$defs/A"}},"$defs":{"A":{"type":"string"}}}`,
			full: `{"type":"object","properties":{"a":{"$ref":"#/$defs/A"}},"$defs":{"A":{"type":"string"}}}`},
		{name: "type array", in: `{"type":"object","properties":{"a":{"type":["string","null"]}}}`, full: `{"type":"object","properties":{"a":{"type":["string","null"]}}}`},
		{name: "const", in: `{"type":"object","properties":{"a":{"type":"string","const":"x"}}}`, full: `{"type":"object","properties":{"a":{"type":"string","const":"x"}}}`},
		{name: "unsupported format", in: `{"type":"object","properties":{"a":{"type":"string","format":"email"}}}`, full: `{"type":"object","properties":{"a":{"type":"string","format":"email"}}}`},
		{name: "integer enum", in: `{"type":"object","properties":{"a":{"type":"integer","enum":[1,2]}}}`, full: `{"type":"object","properties":{"a":{"type":"integer","enum":[1,2]}}}`},
		{name: "nested empty object", in: `{"type":"object","properties":{"a":{"type":"object"}}}`, full: `{"type":"object","properties":{"a":{"type":"object"}}}`},
		{name: "missing type", in: `{"properties":{"a":{"type":"string"}}}`, full: `{"properties":{"a":{"type":"string"}}}`},
		{name: "tuple items", in: `{"type":"array","items":[{"type":"string"}]}`, forResponse: true, full: `{"type":"array","items":[{"type":"string"}]}`},
		{name: "whitespace compacted", in: "{ \"type\" : \"object\", \"properties\" : { \"a\" : { \"$ref\" : \"#/x\" } } }", full: `{"type":"object","properties":{"a":{"$ref":"#/x"}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			subset, full, err := schemaForms([]byte(tt.in), tt.forResponse)
			if err != nil {
				t.Fatal(err)
			}
			if string(subset) != tt.subset {
				t.Errorf("subset = %s\n  want %s", subset, tt.subset)
			}
			if string(full) != tt.full {
				t.Errorf("full = %s\n  want %s", full, tt.full)
			}
		})
	}
}

func TestSchemaFormsRejects(t *testing.T) {
	for _, in := range []string{`[1]`, `"x"`, `{"a":`, `{}x`} {
		if _, _, err := schemaForms([]byte(in), false); err == nil {
			t.Errorf("schemaForms(%s) accepted a non-object", in)
		}
	}
}
