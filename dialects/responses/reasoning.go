package responses

import (
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// Reasoning items on translated answers.
//
// A translating provider's reasoning (Anthropic thinking, Gemini thought
// summaries) becomes a reasoning output item before the answer's message
// and function_call items, when the client asked for it:
//
//   - reasoning.summary (auto, concise or detailed): the reasoning text as
//     the item's one summary_text part;
//   - include ["reasoning.encrypted_content"]: the signed thinking blocks in
//     encrypted_content, so that a client passing the item back as input
//     (stateless, store false) gives Anthropic its blocks back unchanged
//     before the tool_use they preceded.
//
// encrypted_content made here is opaque to the client but not encrypted:
// encryptedPrefix followed by the blocks as base64 JSON. It is never sent
// to an upstream as such; input reasoning items whose encrypted_content
// has another form (OpenAI's own) are left out of translated requests.

// encryptedPrefix marks encrypted_content that carries thinking blocks.
const encryptedPrefix = "sira-thinking-v1."

// includeEncrypted is the include value asking for encrypted_content.
const includeEncrypted = "reasoning.encrypted_content"

// wantsSummary reports whether the client asked for reasoning summaries.
func (r *Request) wantsSummary() bool {
	return r.Reasoning != nil && r.Reasoning.Summary != "" && r.Reasoning.Summary != "none"
}

// wantsEncrypted reports whether include asks for encrypted_content.
func (r *Request) wantsEncrypted() bool {
	for _, s := range r.Include {
		if s == includeEncrypted {
			return true
		}
	}
	return false
}

// wantsReasoning reports whether translated answers carry reasoning items.
func (r *Request) wantsReasoning() bool { return r.wantsSummary() || r.wantsEncrypted() }

// encodeThinking is encrypted_content for blocks, "" for none.
func encodeThinking(blocks []providers.ThinkingBlock) string {
	if len(blocks) == 0 {
		return ""
	}
	b, err := json.Marshal(blocks)
	if err != nil {
		return ""
	}
	return encryptedPrefix + base64.StdEncoding.EncodeToString(b)
}

// decodeThinking returns the blocks encrypted_content carries, nil when it
// is not of this gateway's form.
func decodeThinking(s string) []providers.ThinkingBlock {
	rest, ok := strings.CutPrefix(s, encryptedPrefix)
	if !ok {
		return nil
	}
	raw, err := base64.StdEncoding.DecodeString(rest)
	if err != nil {
		return nil
	}
	var blocks []providers.ThinkingBlock
	if json.Unmarshal(raw, &blocks) != nil {
		return nil
	}
	out := blocks[:0]
	for _, b := range blocks {
		if b.Type == "thinking" || b.Type == "redacted_thinking" {
			out = append(out, b)
		}
	}
	return out
}

// reasoningItem is the output item for a message's reasoning, ok false
// when the client did not ask for one or there is none.
func reasoningItem(req *Request, m *providers.Message, meta *Meta) (OutputItem, bool) {
	if !req.wantsReasoning() || m.ReasoningContent == "" && len(m.ThinkingBlocks) == 0 {
		return OutputItem{}, false
	}
	it := OutputItem{Type: "reasoning", ID: meta.newID("rs"), Status: "completed", thinking: m.ThinkingBlocks}
	if req.wantsSummary() && m.ReasoningContent != "" {
		it.Summary = []string{m.ReasoningContent}
	}
	if req.wantsEncrypted() {
		it.EncryptedContent = encodeThinking(m.ThinkingBlocks)
	}
	return it, true
}

// reasoningJSON writes a reasoning item as OpenAI does: id, type, summary
// (summary_text parts), and encrypted_content when include asked for it.
func reasoningJSON(it OutputItem) ([]byte, error) {
	type summaryText struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	summary := make([]summaryText, len(it.Summary))
	for i, s := range it.Summary {
		summary[i] = summaryText{"summary_text", s}
	}
	return json.Marshal(struct {
		ID               string        `json:"id"`
		Type             string        `json:"type"`
		Summary          []summaryText `json:"summary"`
		EncryptedContent string        `json:"encrypted_content,omitempty"`
	}{it.ID, it.Type, summary, it.EncryptedContent})
}
