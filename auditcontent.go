package aibackends

import (
	"strings"
	"sync"

	"github.com/sira-ai/caddy-ai-backends/providers"
	"github.com/sira-ai/caddy-ai-backends/security"
)

// maxAuditText bounds the prompt and answer kept in one audit entry.
const maxAuditText = 16 << 10

// auditRedactor is the filter for prompts and answers written to the audit
// log or a span: the configured one, or every detector when none is
// configured.
func (cp *contentPolicy) auditRedactor() *security.Filter {
	if cp.filter != nil {
		return cp.filter
	}
	return defaultAuditRedactor()
}

// defaultAuditRedactor is built once, on first use, for every handler:
// building it per handler on first use raced between concurrent requests.
var defaultAuditRedactor = sync.OnceValue(func() *security.Filter {
	f, err := security.NewFilter(security.FilterConfig{Action: security.ActionRedact})
	if err != nil {
		panic("audit redactor: " + err.Error()) // a fixed, valid config
	}
	return f
})

// auditPrompt keeps the prompt, redacted, when audit_prompts is on, and
// puts it on the trace with tracing_content.
func (h *Handler) auditPrompt(rec *record, req *providers.ChatRequest) {
	h.tracePrompt(rec, req)
	if !h.AuditPrompts {
		return
	}
	var b strings.Builder
	for _, m := range req.Messages {
		b.WriteString(m.Role)
		b.WriteString(": ")
		b.WriteString(m.Content.String())
		b.WriteByte('\n')
		if b.Len() > maxAuditText {
			break
		}
	}
	rec.prompt = h.redactForAudit(b.String())
}

// auditAnswer keeps the answer, redacted, when audit_prompts is on.
func (h *Handler) auditAnswer(rec *record, resp *providers.ChatResponse) {
	h.traceAnswer(rec, resp)
	if !h.AuditPrompts || resp == nil || len(resp.Choices) == 0 {
		return
	}
	rec.answer = h.redactForAudit(resp.Choices[0].Message.Content.String())
}

func (cp *contentPolicy) redactForAudit(s string) string {
	if len(s) > maxAuditText {
		s = s[:maxAuditText]
	}
	out, _ := cp.auditRedactor().Redact(s)
	return out
}
