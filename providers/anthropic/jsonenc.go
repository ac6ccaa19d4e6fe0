package anthropic

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// Hand-written JSON output for the hot translation paths. Every helper
// writes exactly the bytes encoding/json writes through marshal (compact,
// no HTML escaping), so the wire format does not depend on which path
// produced it; jsonenc_test.go checks this against encoding/json.

// appendString writes s as a JSON string the way encoding/json does with
// HTML escaping off, as marshal writes.
func appendString(dst []byte, s string) []byte { return providers.AppendJSONString(dst, s, false) }

// appendFloat writes f as encoding/json writes a float64 (ES6 number
// formatting). ok is false for NaN and ±Inf, which encoding/json rejects:
// the caller then leaves the value to encoding/json, for its exact error.
func appendFloat(dst []byte, f float64) (_ []byte, ok bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return dst, false
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if format == 'e' { // e-07 → e-7, as encoding/json does
		if n := len(dst); n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst, true
}

// appendCompact writes raw JSON without insignificant whitespace, as
// encoding/json writes a json.RawMessage. ok is false (and dst unchanged)
// when raw is not valid JSON.
func appendCompact(dst []byte, raw []byte) (_ []byte, ok bool) {
	buf := bytes.NewBuffer(dst)
	if json.Compact(buf, raw) != nil {
		return dst, false
	}
	return buf.Bytes(), true
}

// isCompact reports whether JSON has no whitespace outside its strings. For
// valid JSON that means compacting it changes nothing; for invalid JSON the
// answer means nothing, so callers ask it only of JSON known to be valid,
// or where invalid JSON is kept as is anyway (ArgumentsJSON).
func isCompact(b []byte) bool {
	inString := false
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case inString:
			switch c {
			case '\\':
				i++ // the escaped byte cannot end the string
			case '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == ' ', c == '\t', c == '\n', c == '\r':
			return false
		}
	}
	return true
}
