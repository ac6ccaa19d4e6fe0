package jsonscan

import (
	"bytes"
	"strings"
	"testing"
)

// scanStringBytewise is ScanString as it was before the table lookup: one
// switch per byte. FuzzScanString holds the two to the same answers.
func scanStringBytewise(b []byte) (raw []byte, escaped bool, n int, ok bool) {
	if len(b) == 0 || b[0] != '"' {
		return nil, false, 0, false
	}
	for i := 1; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			return b[1:i], escaped, i + 1, true
		case c < 0x20:
			return nil, false, 0, false
		case c == '\\':
			escaped = true
			i++
			if i >= len(b) {
				return nil, false, 0, false
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if getu4(b[i-1:]) < 0 {
					return nil, false, 0, false
				}
				i += 4
			default:
				return nil, false, 0, false
			}
		}
	}
	return nil, false, 0, false
}

// FuzzScanString: the table-driven scan answers exactly as the bytewise one.
func FuzzScanString(f *testing.F) {
	for _, s := range []string{`"plain"`, `"a\"b\\c\/d\b\f\n\r\t"`, `"\u00e9"`, `"\u12"`, `"\q"`, `"unterminated`,
		`"trailing\`, "\"ctl\x01\"", `""`, `"é" rest`, `x`, `"\u0041\u00"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		raw, esc, n, ok := ScanString(data)
		wraw, wesc, wn, wok := scanStringBytewise(data)
		if !bytes.Equal(raw, wraw) || esc != wesc || n != wn || ok != wok {
			t.Fatalf("ScanString(%q) = %q %t %d %t, bytewise %q %t %d %t", data, raw, esc, n, ok, wraw, wesc, wn, wok)
		}
	})
}

// BenchmarkScanString: a 2 KiB string of a stream event's text, with one
// escape, by the table lookup and by the bytewise switch.
func BenchmarkScanString(b *testing.B) {
	s := []byte(`"` + strings.Repeat("The quick brown fox jumps over the lazy dog. ", 45) + `\n"`)
	for _, impl := range []struct {
		name string
		scan func([]byte) ([]byte, bool, int, bool)
	}{{"table", ScanString}, {"bytewise", scanStringBytewise}} {
		b.Run(impl.name, func(b *testing.B) {
			b.SetBytes(int64(len(s)))
			for b.Loop() {
				if _, _, _, ok := impl.scan(s); !ok {
					b.Fatal("refused")
				}
			}
		})
	}
}
