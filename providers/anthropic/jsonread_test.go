package anthropic

import (
	"encoding/json"
	"testing"
)

// FuzzJSONReader: what the reader passes over as one value is valid JSON,
// and it passes over all valid JSON that is not nested too deep; what it
// reads as an int, json.Unmarshal reads as the same int.
func FuzzJSONReader(f *testing.F) {
	seedFiles(f, "from_anthropic/*.json")
	for _, s := range []string{`0`, `-0`, `-12`, `1.5`, `1e3`, `01`, `-`, `1.`, `.5`, `1e+`, `1E-2`, `999999999999999999`,
		`12345678901234567890`, ` "a\u00e9\n" `, `"\x"`, "\"\x01\"", `[1,]`, `{"a":1,}`, `{"a" 1}`, `{1:2}`, `[[[]]]`,
		`{"a":[true,false,null,{"b":"c"}]}`, `nul`, `truex`, `[] []`, ``, ` `} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := jsonReader{data: data}
		skipped := r.skip(0) && r.atEnd()
		if valid := json.Valid(data); skipped && !valid {
			t.Fatalf("skip took invalid JSON %q", data)
		} else if valid && !skipped && depth(data) < maxSkipDepth {
			t.Fatalf("skip refused valid JSON %q", data)
		}
		r = jsonReader{data: data}
		if n, ok := r.int(); ok && r.atEnd() {
			var want int
			if err := json.Unmarshal(data, &want); err != nil || n != want {
				t.Fatalf("int(%q) = %d, json.Unmarshal: %d %v", data, n, want, err)
			}
		}
	})
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
