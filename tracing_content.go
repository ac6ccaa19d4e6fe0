package aibackends

import (
	"encoding/json"
	"unicode/utf8"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/sira-ai/caddy-ai-backends/internal/caddyargs"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// Prompt and completion content on spans (tracing_content): off unless
// configured, only on traced requests, redacted by the same filter as the
// audit log's content, and cut to the configured number of bytes of text.

// tracesContent reports whether this request's content goes on its spans.
func (h *Handler) tracesContent(rec *record) bool {
	return h.TracingContent > 0 && rec.trace != nil
}

// traceMessage is one message in the conventions' gen_ai.input.messages /
// gen_ai.output.messages shape: a role and text parts.
type traceMessage struct {
	Role         string      `json:"role"`
	Parts        []tracePart `json:"parts"`
	FinishReason string      `json:"finish_reason,omitempty"`
}

type tracePart struct {
	Type    string `json:"type"`
	Content string `json:"content"`
}

// tracePrompt keeps the request's messages for gen_ai.input.messages.
func (h *Handler) tracePrompt(rec *record, req *providers.ChatRequest) {
	if !h.tracesContent(rec) {
		return
	}
	rec.trace.traceIn = h.traceContent(len(req.Messages), func(i int) (traceMessage, string) {
		m := &req.Messages[i]
		return traceMessage{Role: m.Role}, m.Content.String()
	})
}

// traceAnswer keeps the answer's choices for gen_ai.output.messages.
func (h *Handler) traceAnswer(rec *record, resp *providers.ChatResponse) {
	if !h.tracesContent(rec) || resp == nil {
		return
	}
	rec.trace.traceOut = h.traceContent(len(resp.Choices), func(i int) (traceMessage, string) {
		c := &resp.Choices[i]
		role := c.Message.Role
		if role == "" {
			role = "assistant"
		}
		return traceMessage{Role: role, FinishReason: c.FinishReason}, c.Message.Content.String()
	})
}

// traceContent encodes n messages, message(i) giving each one and its
// text. The texts are redacted and share the tracing_content budget: each
// is cut to what is left of it, and the messages after it is spent are
// left out.
func (h *Handler) traceContent(n int, message func(i int) (traceMessage, string)) string {
	budget := h.TracingContent
	msgs := make([]traceMessage, 0, n)
	for i := 0; i < n && budget > 0; i++ {
		m, text := message(i)
		text = cutUTF8(h.redactForAudit(text), budget)
		budget -= len(text)
		m.Parts = []tracePart{{Type: "text", Content: text}}
		msgs = append(msgs, m)
	}
	return encodeTraceMessages(msgs)
}

func encodeTraceMessages(msgs []traceMessage) string {
	if len(msgs) == 0 {
		return ""
	}
	b, err := json.Marshal(msgs)
	if err != nil {
		return ""
	}
	return string(b)
}

// cutUTF8 cuts s to at most n bytes without splitting a character.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// parseTracingContent reads `tracing_content <size>`, e.g. 4KiB.
func (h *Handler) parseTracingContent(d *caddyfile.Dispenser) error {
	size, err := caddyargs.Size(d)
	if err != nil {
		return err
	}
	if size > 1<<30 {
		return d.Errf("tracing_content: %d bytes is more than a span should carry", size)
	}
	h.TracingContent = int(size)
	return nil
}
