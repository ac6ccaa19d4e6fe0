package openai

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// The in-place patches (providers.SetTopLevel) change the first member with
// a given name, compared byte for byte. A body that repeats a member, or
// spells its name with \u escapes, would let the upstream read a value the
// gateway never checked: {"model":"a","model":"b"} is patched to
// {"model":"<mapped>","model":"b"}, and a parser that keeps the last member
// obeys "b", bypassing model_map and model allow-lists. Such bodies are
// refused.

// chatKeys are the members the chat patches read or write.
var chatKeys = []string{"model", "stream", "stream_options", "max_tokens", "max_completion_tokens"}

// modelKey is the member the embeddings and images patches write.
var modelKey = []string{"model"}

var unicodeEscape = []byte(`\u`)

// foldingRunes are the non-ASCII runes Go's case folding maps to ASCII
// letters of our keys (ſ → s, Kelvin sign → k).
var foldingRunes = [][]byte{[]byte("\u017f"), []byte("\u212a")}

// ensureUnique returns an invalid-request error when one of keys occurs
// more than once at the top level of body. Byte counts rule this out for
// nearly every body; only the rest are scanned.
func ensureUnique(body []byte, keys []string) error {
	if !mayRepeat(body, keys) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return &providers.Error{Kind: providers.KindInvalidRequest, Message: "request body must be a JSON object", Err: err}
	}
	var seen []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return &providers.Error{Kind: providers.KindInvalidRequest, Message: "request body is not valid JSON", Err: err}
		}
		name, _ := tok.(string)
		if canonical := foldedKey(keys, name); canonical != "" && canonical != name {
			// Go's decoder (the gateway's view) matches names case-insensitively;
			// an upstream may not: refuse the ambiguity.
			return &providers.Error{Kind: providers.KindInvalidRequest, Param: name,
				Message: "request body member \"" + name + "\" must be spelled \"" + canonical + "\""}
		}
		if slices.Contains(keys, name) {
			if slices.Contains(seen, name) {
				return &providers.Error{Kind: providers.KindInvalidRequest, Param: name,
					Message: "request body has the member \"" + name + "\" more than once (counting names spelled with \\u escapes); send it once"}
			}
			seen = append(seen, name)
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return &providers.Error{Kind: providers.KindInvalidRequest, Message: "request body is not valid JSON", Err: err}
		}
	}
	return nil
}

// mayRepeat reports whether a key's quoted name occurs twice, or whether
// the body has an escape that could spell a name differently.
func mayRepeat(body []byte, keys []string) bool {
	if bytes.Contains(body, unicodeEscape) || hasCaseVariant(body, keys) {
		return true
	}
	for _, r := range foldingRunes {
		if bytes.Contains(body, r) {
			return true
		}
	}
	var quoted [32]byte
	for _, k := range keys {
		q := append(append(append(quoted[:0], '"'), k...), '"')
		if bytes.Count(body, q) > 1 {
			return true
		}
	}
	return false
}

// foldedKey returns the key that name matches case-insensitively, or "".
func foldedKey(keys []string, name string) string {
	for _, k := range keys {
		if strings.EqualFold(k, name) {
			return k
		}
	}
	return ""
}

// hasCaseVariant reports whether a quoted string in body spells one of the
// (lower-case ASCII) keys with other letter case, without allocating.
func hasCaseVariant(body []byte, keys []string) bool {
	for i := 0; i < len(body); i++ {
		if body[i] != '"' {
			continue
		}
		for _, k := range keys {
			end := i + 1 + len(k)
			if end < len(body) && body[end] == '"' && foldVariant(body[i+1:end], k) {
				return true
			}
		}
	}
	return false
}

// foldVariant reports whether b equals k ignoring ASCII case but not exactly.
func foldVariant(b []byte, k string) bool {
	differs := false
	for j := 0; j < len(k); j++ {
		c := b[j]
		if c == k[j] {
			continue
		}
		if 'A' <= c && c <= 'Z' && c+('a'-'A') == k[j] {
			differs = true
			continue
		}
		return false
	}
	return differs
}
