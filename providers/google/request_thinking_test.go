package google

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

func TestReasoningEffortToThinkingConfig(t *testing.T) {
	p := &Provider{}
	for _, tc := range []struct {
		name, model, effort string
		budgets             providers.ReasoningBudgets
		maxTokens           int // 0: the client set none
		wantConfig          string
		wantMax             int // 0: no maxOutputTokens
	}{
		{"no effort", "gemini-2.5-flash", "", nil, 100, "", 100},
		{"flash low", "gemini-2.5-flash", "low", nil, 100, `{"thinkingBudget":2048}`, 2148},
		{"flash high", "gemini-2.5-flash", "high", nil, 0, `{"thinkingBudget":16384}`, 0},
		{"flash xhigh capped", "gemini-2.5-flash", "xhigh", nil, 0, `{"thinkingBudget":24576}`, 0},
		{"flash none", "gemini-2.5-flash-lite", "none", nil, 100, `{"thinkingBudget":0}`, 100},
		{"pro none keeps its minimum", "gemini-2.5-pro", "none", nil, 100, `{"thinkingBudget":128}`, 228},
		{"pro xhigh", "models/gemini-2.5-pro", "xhigh", nil, 0, `{"thinkingBudget":32768}`, 0},
		{"configured budget", "gemini-2.5-flash", "medium", providers.ReasoningBudgets{"medium": 5000}, 1000, `{"thinkingBudget":5000}`, 6000},
		{"output cap", "gemini-2.5-pro", "high", nil, 60000, `{"thinkingBudget":16384}`, 65536},
		{"gemini 3 low", "gemini-3-pro-preview", "minimal", nil, 100, `{"thinkingLevel":"low"}`, 1124},
		{"gemini 3 high", "gemini-3-flash", "medium", nil, 0, `{"thinkingLevel":"high"}`, 0},
		{"gemini 3 none", "gemini-3-pro-preview", "none", nil, 100, "", 100},
		{"non-thinking model", "gemini-2.0-flash", "high", nil, 100, "", 100},
	} {
		req := &providers.ChatRequest{Messages: []providers.Message{{Role: "user", Content: providers.TextContent("hi")}}, ReasoningEffort: tc.effort}
		if tc.maxTokens > 0 {
			req.MaxTokens = &tc.maxTokens
		}
		p.ReasoningBudgets = tc.budgets
		out, err := p.translate(req, tc.model)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		g := out.GenerationConfig
		var gotConfig string
		if g != nil && g.ThinkingConfig != nil {
			b, _ := json.Marshal(g.ThinkingConfig)
			gotConfig = string(b)
		}
		if gotConfig != tc.wantConfig {
			t.Errorf("%s: thinkingConfig %s, want %s", tc.name, gotConfig, tc.wantConfig)
		}
		gotMax := 0
		if g != nil && g.MaxOutputTokens != nil {
			gotMax = *g.MaxOutputTokens
		}
		if gotMax != tc.wantMax {
			t.Errorf("%s: maxOutputTokens %d, want %d", tc.name, gotMax, tc.wantMax)
		}
	}
}

// TestAnthropicClientLimitKept: a /v1/messages client's max_tokens already
// counts thinking, so maxOutputTokens is not raised by the budget.
func TestAnthropicClientLimitKept(t *testing.T) {
	limit := 20000
	req := &providers.ChatRequest{Messages: []providers.Message{{Role: "user", Content: providers.TextContent("hi")}},
		ReasoningEffort: "medium", MaxTokens: &limit}
	req.Original = providers.Original{Format: providers.FormatAnthropicMessages, Body: []byte(`{}`)}
	out, err := (&Provider{}).translate(req, "gemini-2.5-flash")
	if err != nil {
		t.Fatal(err)
	}
	if g := out.GenerationConfig; *g.MaxOutputTokens != limit || *g.ThinkingConfig.ThinkingBudget != 8192 {
		t.Errorf("maxOutputTokens %d budget %d, want %d and 8192", *g.MaxOutputTokens, *g.ThinkingConfig.ThinkingBudget, limit)
	}
}

func TestUnknownReasoningEffortGemini(t *testing.T) {
	req := &providers.ChatRequest{Messages: []providers.Message{{Role: "user", Content: providers.TextContent("hi")}}, ReasoningEffort: "lots"}
	_, err := (&Provider{}).translate(req, "gemini-2.5-flash")
	var pe *providers.Error
	if !errors.As(err, &pe) || pe.Kind != providers.KindInvalidRequest || pe.Param != "reasoning_effort" {
		t.Fatalf("err %v, want an invalid request naming reasoning_effort", err)
	}
}
