package anthropic

import (
	"bytes"
	"encoding/json"

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
// assistant turn left with no block at all is removed. A body not shaped
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
		var turn struct {
			Role    string          `json:"role"`
			Content json.RawMessage `json:"content"`
		}
		var blocks []json.RawMessage
		if json.Unmarshal(m, &turn) != nil || json.Unmarshal(turn.Content, &blocks) != nil {
			if turn.Role == "assistant" {
				unthoughtToolTurn = false // string content: no tool call
			}
			out = append(out, m)
			continue
		}
		kept, first, calls := blocks[:0:0], "", false
		for _, b := range blocks {
			var head struct {
				Type      string `json:"type"`
				Signature string `json:"signature"`
			}
			_ = json.Unmarshal(b, &head)
			if _, marked := gatewaySigned(head.Signature); marked && head.Type == "thinking" {
				continue
			}
			if len(kept) == 0 {
				first = head.Type
			}
			calls = calls || head.Type == "tool_use"
			kept = append(kept, b)
		}
		if turn.Role == "assistant" {
			unthoughtToolTurn = calls && first != "thinking" && first != "redacted_thinking"
		}
		switch {
		case len(kept) == len(blocks):
			out = append(out, m)
		case len(kept) > 0:
			patched, err := providers.SetTopLevel(m, "content", joinJSON(kept))
			if err != nil {
				return body
			}
			out = append(out, patched)
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

// thinkingOn reports whether the body enables thinking.
func thinkingOn(body []byte) bool {
	var t inThinking
	if json.Unmarshal(providers.GetTopLevel(body, "thinking"), &t) != nil {
		return false
	}
	return t.Type == "enabled" || t.Type == "adaptive"
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
