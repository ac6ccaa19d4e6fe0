package anthropic

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
)

// The hand-written JSON helpers must write what encoding/json writes.

var jsonStrings = []string{"", "plain", `a"b\c`, "\n\r\t\b\f\x00\x1f\x7f", "<b>&amp;</b>", "\u2028x\u2029",
	"héllo ☃ 😀", "\xff\xfe bad", "\xed\xa0\x80", "\\u0041", "end\xe2\x80"}

func FuzzAppendString(f *testing.F) {
	for _, s := range jsonStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("appendString(%q) = %s, want %s", s, got, want)
		}
	})
}

func FuzzAppendFloat(f *testing.F) {
	for _, v := range []float64{0, math.Copysign(0, -1), 0.2, 1, -1, 1e-6, 1e-7, 9.99e-7, 1e20, 1e21, 1.5e300, 5e-324, 123456789.125, math.NaN(), math.Inf(-1)} {
		f.Add(math.Float64bits(v))
	}
	f.Fuzz(func(t *testing.T, bits uint64) {
		v := math.Float64frombits(bits)
		want, err := Marshal(v)
		got, ok := appendFloat(nil, v)
		if ok != (err == nil) || (ok && !bytes.Equal(got, want)) {
			t.Fatalf("appendFloat(%v) = %s %v, want %s %v", v, got, ok, want, err)
		}
	})
}

func FuzzAppendCompact(f *testing.F) {
	for _, s := range []string{`{}`, ` { "a" : [1, 2 ] } `, `{"s":"x y\n"}`, `{"a":`, `[1] x`, `"\u2028 <>"`, `{"t":"\t"}`, `nul`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if len(raw) == 0 {
			return // never asked: empty raw fields are omitted
		}
		want, err := Marshal(json.RawMessage(raw))
		got, ok := appendCompact([]byte("x"), raw)
		if ok != (err == nil) || (ok && string(got) != "x"+string(want)) || (!ok && string(got) != "x") {
			t.Fatalf("appendCompact(%q) = %s %v, want %s %v", raw, got, ok, want, err)
		}
		// isCompact may be asked of valid JSON only.
		if ok && isCompact(raw) != bytes.Equal(raw, want) {
			t.Fatalf("isCompact(%q) = %v", raw, isCompact(raw))
		}
	})
}
