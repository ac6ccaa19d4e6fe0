package cache

import (
	"bytes"
	"strings"
	"testing"
)

func canon(t *testing.T, s string, rule orderRule) []byte {
	t.Helper()
	w := getKeyWriter()
	defer putKeyWriter(w)
	if err := w.canonJSON([]byte(s), rule); err != nil {
		t.Fatalf("canonJSON(%s): %v", s, err)
	}
	if len(w.members) != 0 {
		t.Fatalf("canonJSON(%s) left %d members on the stack", s, len(w.members))
	}
	return bytes.Clone(w.buf)
}

func TestCanonNumber(t *testing.T) {
	cases := map[string]string{
		"0": "0", "-0": "0", "0.0": "0", "-0.0": "0", "0e10": "0",
		"1": "1", "1.0": "1", "1e0": "1", "10e-1": "1", "100": "100", "1e2": "100",
		"1000000": "1000000", "1000000.0": "1000000", "1e6": "1000000",
		"0.5": "0.5", "5e-1": "0.5", "-2.50": "-2.5",
		"12345678901234567890":                 "12345678901234567890", // big integers stay exact
		"12345678901234567891":                 "12345678901234567891",
		"1e400":                                "1e400", // beyond float64: kept as written
		"1.5e300":                              "1.5e+300",
		"0.1000000000000000055511151231257827": "0.1", // the same float64 as 0.1
	}
	for in, want := range cases {
		got, err := canonNumber([]byte(in))
		if err != nil || string(got) != want {
			t.Errorf("canonNumber(%s) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "-", "1e", "1.2.3", "--1", "1e+", "+"} {
		if got, err := canonNumber([]byte(bad)); err == nil {
			t.Errorf("canonNumber(%q) = %q, want an error", bad, got)
		}
	}
}

func TestCanonJSONEquivalentForms(t *testing.T) {
	pairs := [][2]string{
		{`{"a":1,"b":[true,null,"x"]}`, " { \"a\" : 1.0 ,\n\"b\" : [ true , null , \"\\u0078\" ] } "},
		{`"é"`, `"\u00e9"`},
		{`"\ud83d\ude00"`, `"😀"`},
		{`[]`, `[ ]`},
		{`{}`, "{\n}"},
	}
	for _, p := range pairs {
		for _, rule := range []orderRule{keepOrder, sortKeys} {
			if a, b := canon(t, p[0], rule), canon(t, p[1], rule); !bytes.Equal(a, b) {
				t.Errorf("rule %d: %s and %s differ", rule, p[0], p[1])
			}
		}
	}
}

func TestCanonJSONOrderRules(t *testing.T) {
	ab := `{"a":1,"b":{"y":1,"x":2},"parameters":{"q":1,"p":2}}`
	ba := `{"parameters":{"q":1,"p":2},"b":{"x":2,"y":1},"a":1}`
	baSchema := `{"parameters":{"p":2,"q":1},"b":{"x":2,"y":1},"a":1}`
	if bytes.Equal(canon(t, ab, keepOrder), canon(t, ba, keepOrder)) {
		t.Error("keepOrder ignored member order")
	}
	if !bytes.Equal(canon(t, ab, sortKeys), canon(t, ba, sortKeys)) {
		t.Error("sortKeys kept member order")
	}
	if !bytes.Equal(canon(t, ab, sortKeys), canon(t, baSchema, sortKeys)) {
		t.Error("sortKeys kept order inside parameters")
	}
	if !bytes.Equal(canon(t, ab, sortKeysExceptSchemas), canon(t, ba, sortKeysExceptSchemas)) {
		t.Error("sortKeysExceptSchemas kept order outside schemas")
	}
	if bytes.Equal(canon(t, ab, sortKeysExceptSchemas), canon(t, baSchema, sortKeysExceptSchemas)) {
		t.Error("sortKeysExceptSchemas reordered a schema")
	}
}

// TestCanonJSONUnambiguous: values that differ must encode differently,
// including the classic separator confusions.
func TestCanonJSONUnambiguous(t *testing.T) {
	values := []string{
		`"ab"`, `["a","b"]`, `["ab"]`, `[["a"],"b"]`, `["a",["b"]]`,
		`{"a":"b"}`, `{"ab":""}`, `{"a":{"b":null}}`, `{"a":null,"b":null}`,
		`1`, `"1"`, `true`, `"true"`, `null`, `"null"`, `[]`, `{}`, `""`, `[null]`, `[[]]`, `[{}]`,
		`{"a":[]}`, `{"a":[],"b":1}`, `{"a":[1],"b":1}`,
	}
	seen := map[string]string{}
	for _, v := range values {
		k := string(canon(t, v, keepOrder))
		if other, dup := seen[k]; dup {
			t.Errorf("%s and %s encode alike", v, other)
		}
		seen[k] = v
	}
}

func TestCanonJSONRejectsInvalid(t *testing.T) {
	for _, bad := range []string{
		``, `{`, `}`, `[1,]`, `[1 2]`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{a:1}`, `"abc`, `tru`, `nulll`,
		`[1]x`, `{"a":"\x"}`, `{"a":1e}`, `[` + strings.Repeat("[", maxJSONDepth) + `]`,
	} {
		w := getKeyWriter()
		if err := w.canonJSON([]byte(bad), sortKeys); err == nil {
			t.Errorf("canonJSON(%.40q) succeeded", bad)
		}
		putKeyWriter(w)
	}
}

func TestCanonJSONDeepButAllowed(t *testing.T) {
	depth := maxJSONDepth - 1
	v := strings.Repeat("[", depth) + strings.Repeat("]", depth)
	canon(t, v, sortKeys)
	o := strings.Repeat(`{"a":`, depth) + "1" + strings.Repeat("}", depth)
	canon(t, o, sortKeys)
	// Unsorted members at every level: linear work thanks to maxSortDepth.
	hostile := strings.Repeat(`{"b":1,"a":`, depth) + "1" + strings.Repeat("}", depth)
	canon(t, hostile, sortKeys)
}
