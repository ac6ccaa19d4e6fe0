package jsonscan

import (
	"encoding/json"
	"testing"
)

var readerSeeds = []string{`0`, `-0`, `-12`, `1.5`, `1e3`, `01`, `-`, `1.`, `.5`, `1e+`, `1E-2`, `999999999999999999`,
	`12345678901234567890`, ` "a\u00e9\n" `, `"\x"`, "\"\x01\"", `[1,]`, `{"a":1,}`, `{"a" 1}`, `{1:2}`, `[[[]]]`,
	`{"a":[true,false,null,{"b":"c"}]}`, `nul`, `truex`, `[] []`, ``, ` `,
	`{"id":"msg_1","type":"message","content":[{"type":"text","text":"Hi \"there\"\n"}],"usage":{"input_tokens":3}}`}

// FuzzReader: what the reader passes over as one value is valid JSON, and
// it passes over all valid JSON that is not nested too deep; what it reads
// as an int, json.Unmarshal reads as the same int.
func FuzzReader(f *testing.F) {
	for _, s := range readerSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := Reader{Data: data}
		skipped := r.Skip(0) && r.AtEnd()
		if valid := json.Valid(data); skipped && !valid {
			t.Fatalf("Skip took invalid JSON %q", data)
		} else if valid && !skipped && depth(data) < MaxSkipDepth {
			t.Fatalf("Skip refused valid JSON %q", data)
		}
		r = Reader{Data: data}
		if n, ok := r.Int(); ok && r.AtEnd() {
			var want int
			if err := json.Unmarshal(data, &want); err != nil || n != want {
				t.Fatalf("Int(%q) = %d, json.Unmarshal: %d %v", data, n, want, err)
			}
		}
	})
}

// FuzzUnquote: a string ScanString accepts is one encoding/json accepts,
// and Unquote gives the value json.Unmarshal gives, with or without a
// reused buffer.
func FuzzUnquote(f *testing.F) {
	for _, s := range []string{`"plain"`, `"a\"b\\c\/d\b\f\n\r\t"`, `"\u00e9\u20AC"`, `"\ud83d\ude00"`, `"\ud83d"`,
		`"\ud83dx"`, `"\ude00\ud83d"`, "\"\xff\xfe\"", "\"\xc3\"", `"\u12"`, `"\q"`, `"unterminated`, `"é"`} {
		f.Add([]byte(s))
	}
	var scratch []byte
	f.Fuzz(func(t *testing.T, data []byte) {
		raw, escaped, n, ok := ScanString(data)
		if !ok {
			return
		}
		var want string
		if err := json.Unmarshal(data[:n], &want); err != nil {
			t.Fatalf("ScanString took %q, encoding/json refuses it: %v", data[:n], err)
		}
		if got := Unquote(raw, escaped, &scratch); got != want {
			t.Fatalf("Unquote(%q) = %q, want %q", data[:n], got, want)
		}
		if got := Unquote(raw, escaped, nil); got != want {
			t.Fatalf("Unquote(%q) without a buffer = %q, want %q", data[:n], got, want)
		}
	})
}

// TestObjectAndArray walks nested members and elements and refuses what is
// not valid.
func TestObjectAndArray(t *testing.T) {
	read := func(doc string) (keys []string, ints []int, ok bool) {
		r := Reader{Data: []byte(doc)}
		ok = r.Object(func(key []byte) bool {
			keys = append(keys, string(key))
			return r.Array(func() bool {
				n, ok := r.Int()
				ints = append(ints, n)
				return ok
			})
		}) && r.AtEnd()
		return keys, ints, ok
	}
	if keys, ints, ok := read(` {"a": [1, 2], "b":[], "c" :[ -3 ] } `); !ok || len(keys) != 3 || len(ints) != 3 || ints[2] != -3 {
		t.Errorf("got %v %v %v", keys, ints, ok)
	}
	for _, bad := range []string{`{"a":[1,]}`, `{"a":[1]`, `{"a":[1],}`, `{"a" [1]}`, `{"a":[1]} x`, `{"\u0061":[1]}`, `[]`} {
		if _, _, ok := read(bad); ok {
			t.Errorf("took %s", bad)
		}
	}
}

// depth is the deepest nesting of brackets in valid JSON.
func depth(data []byte) int {
	d, deepest, inString := 0, 0, false
	for i := 0; i < len(data); i++ {
		switch c := data[i]; {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case inString:
		case c == '[' || c == '{':
			d++
			deepest = max(deepest, d)
		case c == ']' || c == '}':
			d--
		}
	}
	return deepest
}
