package cache

import (
	"bytes"
	"slices"

	"github.com/sira-ai/caddy-ai-backends/internal/jsonscan"
)

// Scanning helpers for the key encoders. They check JSON's structure
// (brackets, commas, colons, quotes) without building any value: the
// canonical writer in canonjson.go decides what each token means.

// sortMembers orders members by key; duplicates keep their relative order,
// since the last one is the one decoders use.
func sortMembers(ms []member) { slices.SortStableFunc(ms, compareKeys) }

func compareKeys(a, b member) int { return bytes.Compare(a.key, b.key) }

// collectMembers appends the members of the object at b[i] to w.members and
// returns the index just past the object. Values are validated (skipped)
// but not written: this serves the top level of a request, whose members
// are then treated one by one.
func (w *keyWriter) collectMembers(b []byte, i, depth int) (int, error) {
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, nil
	}
	for {
		key, valStart, err := memberKey(b, i)
		if err != nil {
			return 0, err
		}
		valEnd, err := skipValue(b, valStart, depth)
		if err != nil {
			return 0, err
		}
		w.members = append(w.members, member{key: key, val: b[valStart:valEnd]})
		next, done, err := afterItem(b, valEnd, '}')
		if err != nil || done {
			return next, err
		}
		i = next
	}
}

// readString decodes the string at b[i], which must open with a quote, and
// returns its bytes and the index just past it.
func readString(b []byte, i int) ([]byte, int, error) {
	if i >= len(b) || b[i] != '"' {
		return nil, 0, errBadJSON
	}
	end, escaped, ok := scanString(b, i)
	if !ok {
		return nil, 0, errBadJSON
	}
	return stringValue(b[i:end], escaped), end, nil
}

// memberKey reads an object member's key and the colon after it at b[i],
// returning the decoded key and the index where the member's value starts.
func memberKey(b []byte, i int) ([]byte, int, error) {
	key, end, err := readString(b, i)
	if err != nil {
		return nil, 0, err
	}
	i = skipSpace(b, end)
	if i >= len(b) || b[i] != ':' {
		return nil, 0, errBadJSON
	}
	return key, skipSpace(b, i+1), nil
}

// afterItem reads what follows an object member or array element ending
// before b[i]: a comma (done false; next is where the following item
// starts) or the closing bracket (done true; next is just past it).
func afterItem(b []byte, i int, closing byte) (next int, done bool, err error) {
	i = skipSpace(b, i)
	if i >= len(b) {
		return 0, false, errBadJSON
	}
	switch b[i] {
	case ',':
		return skipSpace(b, i+1), false, nil
	case closing:
		return i + 1, true, nil
	}
	return 0, false, errBadJSON
}

// skipValue validates the value at b[i] and returns the index just past it.
func skipValue(b []byte, i, depth int) (int, error) {
	if i >= len(b) {
		return 0, errBadJSON
	}
	switch c := b[i]; {
	case c == '"':
		end, _, ok := scanString(b, i)
		if !ok {
			return 0, errBadJSON
		}
		return end, nil
	case c == '-' || (c >= '0' && c <= '9'):
		return scanNumber(b, i), nil
	case c == '{' || c == '[':
		if depth >= maxJSONDepth {
			return 0, errBadJSON
		}
		return skipContainer(b, i, depth+1)
	}
	for _, lit := range [...]string{"true", "false", "null"} {
		if bytes.HasPrefix(b[i:], []byte(lit)) {
			return i + len(lit), nil
		}
	}
	return 0, errBadJSON
}

// skipContainer skips an object or array, checking its punctuation.
func skipContainer(b []byte, i, depth int) (int, error) {
	closing := byte(']')
	if b[i] == '{' {
		closing = '}'
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == closing {
		return i + 1, nil
	}
	for {
		if closing == '}' {
			if i >= len(b) || b[i] != '"' {
				return 0, errBadJSON
			}
			end, _, ok := scanString(b, i)
			if !ok {
				return 0, errBadJSON
			}
			i = skipSpace(b, end)
			if i >= len(b) || b[i] != ':' {
				return 0, errBadJSON
			}
			i = skipSpace(b, i+1)
		}
		end, err := skipValue(b, i, depth)
		if err != nil {
			return 0, err
		}
		next, done, err := afterItem(b, end, closing)
		if err != nil || done {
			return next, err
		}
		i = next
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// scanString returns the index just past the string starting at b[i] == '"'
// and whether it contains escapes; it checks the string as encoding/json
// does (control characters, escapes).
func scanString(b []byte, i int) (end int, escaped, ok bool) {
	_, escaped, n, ok := jsonscan.ScanString(b[i:])
	return i + n, escaped, ok
}

// stringValue returns the text of a quoted JSON string: the bytes between
// the quotes when there is no escape (no copy), else the decoded text.
func stringValue(quoted []byte, escaped bool) []byte {
	raw := quoted[1 : len(quoted)-1]
	if !escaped {
		return raw
	}
	return []byte(jsonscan.Unquote(raw, true, nil))
}

func scanNumber(b []byte, i int) int {
	for i < len(b) && (b[i] == '-' || b[i] == '+' || b[i] == '.' || b[i] == 'e' || b[i] == 'E' || (b[i] >= '0' && b[i] <= '9')) {
		i++
	}
	return i
}
