package cache

import (
	"bytes"
	"slices"

	"github.com/sira-ai/caddy-ai-backends/internal/jsonscan"
)

// Reading helpers for the key encoders over jsonscan.Reader, which checks
// JSON's structure as encoding/json does without building any value: the
// canonical writer in canonjson.go decides what each token means.

// sortMembers orders members by key; duplicates keep their relative order,
// since the last one is the one decoders use.
func sortMembers(ms []member) { slices.SortStableFunc(ms, compareKeys) }

func compareKeys(a, b member) int { return bytes.Compare(a.key, b.key) }

// collectMembers appends the members of the JSON object raw (and nothing
// after it) to w.members. Values are checked and skipped but not written:
// this serves the top level of a request, whose members are then treated
// one by one.
func (w *keyWriter) collectMembers(raw []byte) error {
	r := jsonscan.Reader{Data: raw, MaxDepth: maxJSONDepth}
	if !r.Consume('{') {
		return errBadJSON
	}
	if !r.Consume('}') {
		for more := true; more; {
			key, ok := memberKey(&r)
			if !ok {
				return errBadJSON
			}
			val, ok := r.Value()
			if !ok {
				return errBadJSON
			}
			w.members = append(w.members, member{key: key, val: val})
			if more, ok = r.Next('}'); !ok {
				return errBadJSON
			}
		}
	}
	if !r.AtEnd() {
		return errBadJSON
	}
	return nil
}

// memberKey reads an object member's key, decoded, and the colon after it.
func memberKey(r *jsonscan.Reader) ([]byte, bool) {
	raw, escaped, ok := r.Quoted()
	if !ok || !r.Consume(':') {
		return nil, false
	}
	return stringValue(raw, escaped), true
}

// stringValue returns the text of a JSON string's raw content: the bytes
// themselves when there is no escape (no copy), else the decoded text.
func stringValue(raw []byte, escaped bool) []byte {
	if !escaped {
		return raw
	}
	return []byte(jsonscan.Unquote(raw, true, nil))
}
