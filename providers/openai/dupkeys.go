package openai

import (
	"bytes"
	"encoding/json"
	"slices"

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
	if bytes.Contains(body, unicodeEscape) {
		return true
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
