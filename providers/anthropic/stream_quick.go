package anthropic

import (
	"github.com/sira-ai/caddy-ai-backends/internal/jsonscan"
)

// quickEvent is an event decoded by decodeQuick.
type quickEvent struct {
	typ   string
	index int
	delta wireDelta // content_block_delta only
	text  string    // content_block_start of a text block: its text
}

// decodeQuick decodes, without encoding/json, the events that arrive once
// per streamed token (content_block_delta) and the small fixed ones around
// them (a text block's content_block_start, content_block_stop, ping,
// message_stop). It takes only the exact
// shape Anthropic writes: these keys in this order, no whitespace, a
// non-negative index. Anything else reports false and goes to encoding/json,
// so for what it takes, the result is what json.Unmarshal into wireEvent
// gives; stream_quick_test.go compares the two. scratch is reused for
// unescaping strings.
func decodeQuick(data []byte, scratch *[]byte) (q quickEvent, ok bool) {
	switch string(data) {
	case `{"type":"ping"}`, `{"type": "ping"}`:
		return quickEvent{typ: "ping"}, true
	case `{"type":"message_stop"}`:
		return quickEvent{typ: "message_stop"}, true
	}
	if rest, found := cutPrefix(data, `{"type":"content_block_stop","index":`); found {
		q.typ = "content_block_stop"
		if q.index, rest, ok = quickIndex(rest); !ok || string(rest) != "}" {
			return q, false
		}
		return q, true
	}
	if rest, found := cutPrefix(data, `{"type":"content_block_start","index":`); found {
		q.typ = "content_block_start"
		if q.index, rest, ok = quickIndex(rest); !ok {
			return q, false
		}
		if rest, found = cutPrefix(rest, `,"content_block":{"type":"text","text":`); !found {
			return q, false
		}
		raw, escaped, n, ok := jsonscan.ScanString(rest)
		if !ok || string(rest[n:]) != "}}" {
			return q, false
		}
		q.text = jsonscan.Unquote(raw, escaped, scratch)
		return q, true
	}
	rest, found := cutPrefix(data, `{"type":"content_block_delta","index":`)
	if !found {
		return q, false
	}
	q.typ = "content_block_delta"
	if q.index, rest, ok = quickIndex(rest); !ok {
		return q, false
	}
	if rest, found = cutPrefix(rest, `,"delta":{"type":"`); !found {
		return q, false
	}
	// The delta type: plain letters and '_', so its bytes are its value.
	end := 0
	for end < len(rest) && (rest[end] >= 'a' && rest[end] <= 'z' || rest[end] == '_') {
		end++
	}
	typ := rest[:end]
	if rest, found = cutPrefix(rest[end:], `","`); !found {
		return q, false
	}
	// One more field, whose value is a string.
	var dst *string
	switch {
	case hasPrefix(rest, `text":`):
		dst, rest = &q.delta.Text, rest[len(`text":`):]
	case hasPrefix(rest, `partial_json":`):
		dst, rest = &q.delta.PartialJSON, rest[len(`partial_json":`):]
	case hasPrefix(rest, `thinking":`):
		dst, rest = &q.delta.Thinking, rest[len(`thinking":`):]
	case hasPrefix(rest, `signature":`):
		dst, rest = &q.delta.Signature, rest[len(`signature":`):]
	default:
		return q, false
	}
	raw, escaped, n, ok := jsonscan.ScanString(rest)
	if !ok || string(rest[n:]) != "}}" {
		return q, false
	}
	q.delta.Type = deltaType(typ)
	if dst != nil {
		*dst = jsonscan.Unquote(raw, escaped, scratch)
	}
	return q, true
}

// deltaType returns the delta's type, without allocating for known ones.
func deltaType(b []byte) string {
	switch string(b) {
	case "text_delta":
		return "text_delta"
	case "input_json_delta":
		return "input_json_delta"
	case "thinking_delta":
		return "thinking_delta"
	case "signature_delta":
		return "signature_delta"
	}
	return string(b)
}

func hasPrefix(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && string(b[:len(prefix)]) == prefix
}

func cutPrefix(b []byte, prefix string) ([]byte, bool) {
	if !hasPrefix(b, prefix) {
		return b, false
	}
	return b[len(prefix):], true
}

// quickIndex reads a JSON number that is a non-negative integer small
// enough for any int; anything else (a sign, a fraction, an exponent, a
// leading zero JSON forbids) is left to encoding/json.
func quickIndex(b []byte) (n int, rest []byte, ok bool) {
	i := 0
	for i < len(b) && i < 9 && b[i] >= '0' && b[i] <= '9' {
		n = n*10 + int(b[i]-'0')
		i++
	}
	if i == 0 || (b[0] == '0' && i > 1) || (i < len(b) && b[i] >= '0' && b[i] <= '9') {
		return 0, b, false
	}
	return n, b[i:], true
}
