package anthropic

import (
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

func TestThinkingToReasoningEffort(t *testing.T) {
	const head = `{"model":"m","max_tokens":40000,"messages":[{"role":"user","content":"x"}]`
	for _, tc := range []struct{ fields, want string }{
		{``, ""},
		{`,"thinking":{"type":"disabled"}`, ""},
		{`,"thinking":{"type":"enabled","budget_tokens":1024}`, "low"},
		{`,"thinking":{"type":"enabled","budget_tokens":4095}`, "low"},
		{`,"thinking":{"type":"enabled","budget_tokens":4096}`, "medium"},
		{`,"thinking":{"type":"enabled","budget_tokens":16383}`, "medium"},
		{`,"thinking":{"type":"enabled","budget_tokens":16384}`, "high"},
		{`,"thinking":{"type":"enabled","budget_tokens":32767}`, "high"},
		{`,"thinking":{"type":"enabled","budget_tokens":32768}`, "xhigh"},
		{`,"thinking":{"type":"adaptive"}`, "high"},
		{`,"thinking":{"type":"adaptive"},"output_config":{"effort":"low"}`, "low"},
		{`,"thinking":{"type":"adaptive"},"output_config":{"effort":"medium"}`, "medium"},
		{`,"thinking":{"type":"adaptive"},"output_config":{"effort":"max"}`, "xhigh"},
		{`,"output_config":{"effort":"high"}`, "high"},
		{`,"thinking":{"type":"disabled"},"output_config":{"effort":"low"}`, ""},
	} {
		req, err := ParseMessagesRequest([]byte(head + tc.fields + `}`))
		if err != nil {
			t.Errorf("%s: %v", tc.fields, err)
			continue
		}
		if req.ReasoningEffort != tc.want {
			t.Errorf("%s: reasoning_effort %q, want %q", tc.fields, req.ReasoningEffort, tc.want)
		}
		if len(req.Untranslatable) != 0 {
			t.Errorf("%s: untranslatable %v, want none", tc.fields, req.Untranslatable)
		}
	}
}

func TestThinkingInvalid(t *testing.T) {
	const head = `{"model":"m","max_tokens":40000,"messages":[{"role":"user","content":"x"}]`
	for _, tc := range []struct{ fields, param string }{
		{`,"thinking":{"type":"enabled"}`, "thinking.budget_tokens"},
		{`,"thinking":{"type":"enabled","budget_tokens":1023}`, "thinking.budget_tokens"},
		{`,"thinking":{"type":"sometimes"}`, "thinking.type"},
		{`,"output_config":{"effort":"huge"}`, "output_config.effort"},
	} {
		_, err := ParseMessagesRequest([]byte(head + tc.fields + `}`))
		e, ok := err.(*providers.Error)
		if !ok || e.Kind != providers.KindInvalidRequest || e.Param != tc.param || !strings.Contains(e.Message, tc.param) {
			t.Errorf("%s: got %v, want a 400 naming %s", tc.fields, err, tc.param)
		}
	}
}
