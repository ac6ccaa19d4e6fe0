package anthropic

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// withoutMarkedThinking is a client's body as an Anthropic upstream gets it
// when the history holds thinking blocks with the gateway's mark
// (thinking_signature.go): those blocks are removed, as Anthropic refuses a
// signature not its own, and everything else is kept byte for byte. When
// that leaves the last assistant turn calling tools without a leading
// thinking block (the turn was answered by another provider), thinking is
// disabled for this request, which Anthropic accepts, where it refuses the
// continuation with thinking on; the next user turn thinks again. An
// assistant turn left with no block at all is removed; a patched turn has
// its members in name order. A body not shaped
// as expected is returned unchanged (Anthropic then answers it).
func withoutMarkedThinking(body []byte) []byte {
	raw := providers.GetTopLevel(body, "messages")
	var msgs []json.RawMessage
	if raw == nil || json.Unmarshal(raw, &msgs) != nil {
		return body
	}
	out := make([]json.RawMessage, 0, len(msgs))
	unthoughtToolTurn := false // the last assistant turn calls tools without thinking first
	for _, m := range msgs {
		// Members are read as encoding/json reads them (exact names, the
		// last of duplicates), as Anthropic does.
		var turn map[string]json.RawMessage
		var role string
		var blocks []json.RawMessage
		if json.Unmarshal(m, &turn) != nil || json.Unmarshal(turn["content"], &blocks) != nil || blocks == nil {
			if json.Unmarshal(turn["role"], &role) == nil && role == "assistant" {
				unthoughtToolTurn = false // string content: no tool call
			}
			out = append(out, m)
			continue
		}
		kept, first, calls := blocks[:0:0], "", false
		for _, b := range blocks {
			kind, marked := markedBlock(b)
			if marked {
				continue
			}
			if len(kept) == 0 {
				first = kind
			}
			calls = calls || kind == "tool_use"
			kept = append(kept, b)
		}
		if json.Unmarshal(turn["role"], &role) == nil && role == "assistant" {
			unthoughtToolTurn = calls && first != "thinking" && first != "redacted_thinking"
		}
		switch {
		case len(kept) == len(blocks):
			out = append(out, m)
		case len(kept) > 0:
			turn["content"] = joinJSON(kept)
			out = append(out, objectJSON(turn))
		}
	}
	patched, err := providers.SetTopLevel(body, "messages", joinJSON(out))
	if err != nil {
		return body
	}
	if unthoughtToolTurn && thinkingOn(body) {
		if off, err := providers.SetTopLevel(patched, "thinking", []byte(`{"type":"disabled"}`)); err == nil {
			patched = off
		}
	}
	return patched
}

// markedBlock reads a content block's type and whether it is a thinking
// block with the gateway's mark.
func markedBlock(b json.RawMessage) (kind string, marked bool) {
	var head map[string]json.RawMessage
	var signature string
	if json.Unmarshal(b, &head) != nil || json.Unmarshal(head["type"], &kind) != nil {
		return "", false
	}
	if kind != "thinking" || json.Unmarshal(head["signature"], &signature) != nil {
		return kind, false
	}
	_, marked = gatewaySigned(signature)
	return kind, marked
}

// thinkingOn reports whether the body enables thinking.
func thinkingOn(body []byte) bool {
	var t inThinking
	if json.Unmarshal(providers.GetTopLevel(body, "thinking"), &t) != nil {
		return false
	}
	return t.Type == "enabled" || t.Type == "adaptive"
}

// objectJSON is a JSON object of the members, names sorted, values as
// they are.
func objectJSON(members map[string]json.RawMessage) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range slices.Sorted(maps.Keys(members)) {
		if i > 0 {
			b.WriteByte(',')
		}
		name, _ := json.Marshal(k)
		b.Write(name)
		b.WriteByte(':')
		b.Write(members[k])
	}
	b.WriteByte('}')
	return b.Bytes()
}

// joinJSON is a JSON array of the values as they are.
func joinJSON(values []json.RawMessage) []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, v := range values {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(v)
	}
	b.WriteByte(']')
	return b.Bytes()
}
