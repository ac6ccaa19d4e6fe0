package security

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
)

func nested(depth int) []byte {
	return []byte(strings.Repeat("[", depth) + strings.Repeat("]", depth))
}

func TestCheckJSONDepth(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		max   int
		limit bool // want ErrJSONTooDeep
	}{
		{"flat", `{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}`, 3, false},
		{"one over", `{"a":[{"b":1}]}`, 2, true},
		{"brackets in strings do not count", `{"content":"[[[[[[{{{{{{"}`, 1, false},
		{"escaped quote keeps the string open", `{"c":"\"[[[[\\\"[[["}`, 1, false},
		{"escaped backslash closes the string", `{"c":"\\"}`, 1, false},
		{"after an escaped backslash brackets count", `["\\",[[]]]`, 2, true},
		{"unbalanced closers do not underflow into passing", `]]]]]][[[`, 2, true},
		{"empty", ``, 1, false},
	}
	for _, tt := range tests {
		err := CheckJSONDepth([]byte(tt.body), tt.max)
		if got := errors.Is(err, ErrJSONTooDeep); got != tt.limit {
			t.Errorf("%s: err = %v, want limit hit %v", tt.name, err, tt.limit)
		}
	}
}

func TestCheckJSONDepthDefault(t *testing.T) {
	if err := CheckJSONDepth(nested(DefaultMaxDepth), 0); err != nil {
		t.Fatalf("depth %d: %v", DefaultMaxDepth, err)
	}
	err := CheckJSONDepth(nested(DefaultMaxDepth+1), 0)
	if !errors.Is(err, ErrJSONTooDeep) || !strings.Contains(err.Error(), "64 levels") || !strings.Contains(err.Error(), "offset 64") {
		t.Fatalf("depth 65: %v", err)
	}
	if (Limits{}).Depth() != DefaultMaxDepth || (Limits{MaxDepth: 8}).Depth() != 8 {
		t.Fatal("Limits.Depth defaults wrong")
	}
}

func TestCheckUTF8(t *testing.T) {
	if err := CheckUTF8([]byte(`{"content":"héllo ✓ 🙂"}`)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		body   []byte
		offset string
	}{
		{[]byte("ab\xffcd"), "0xff at offset 2"},
		{[]byte("é\xc3"), "0xc3 at offset 2"},         // truncated sequence
		{[]byte("x\xed\xa0\x80"), "0xed at offset 1"}, // UTF-16 surrogate
		{[]byte("\xc0\xaf"), "0xc0 at offset 0"},      // overlong encoding
	}
	for _, tt := range tests {
		err := CheckUTF8(tt.body)
		if !errors.Is(err, ErrInvalidUTF8) || !strings.Contains(err.Error(), tt.offset) {
			t.Errorf("CheckUTF8(%q) = %v, want %q", tt.body, err, tt.offset)
		}
	}
}

// jsonDepth is the reference: the real nesting depth of valid JSON, as seen
// by encoding/json's tokenizer.
func jsonDepth(body []byte) (int, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	depth, deepest := 0, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return deepest, true
		}
		if err != nil {
			return 0, false
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
			deepest = max(deepest, depth)
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
}

func FuzzCheckJSONDepth(f *testing.F) {
	f.Add([]byte(`{"a":[1,{"b":"[{"}]}`), uint8(2))
	f.Add([]byte(`"\\\"["`), uint8(0))
	f.Add(nested(70), uint8(64))
	f.Add([]byte(`[["\u005b"]]`), uint8(1))
	f.Fuzz(func(t *testing.T, body []byte, limit uint8) {
		err := CheckJSONDepth(body, int(limit))
		if err != nil && !errors.Is(err, ErrJSONTooDeep) {
			t.Fatalf("unexpected error kind: %v", err)
		}
		if !json.Valid(body) {
			return
		}
		depth, ok := jsonDepth(body)
		if !ok {
			return
		}
		effective := int(limit)
		if effective == 0 {
			effective = DefaultMaxDepth
		}
		if tooDeep := depth > effective; tooDeep != (err != nil) {
			t.Fatalf("depth %d, limit %d: CheckJSONDepth = %v", depth, effective, err)
		}
	})
}
