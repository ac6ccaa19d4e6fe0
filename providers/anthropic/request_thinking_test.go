package anthropic

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// thinkingBody translates req and decodes the fields thinking touches.
func thinkingBody(t *testing.T, req *providers.ChatRequest, o Options) (out struct {
	MaxTokens    int            `json:"max_tokens"`
	Thinking     *Thinking      `json:"thinking"`
	OutputConfig *OutputConfig  `json:"output_config"`
	Temperature  *float64       `json:"temperature"`
	TopK         *int           `json:"top_k"`
	TopP         *float64       `json:"top_p"`
	ToolChoice   map[string]any `json:"tool_choice"`
}) {
	t.Helper()
	body, err := ToAnthropic(req, o)
	if err != nil {
		t.Fatalf("ToAnthropic: %v", err)
	}
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("body %s: %v", body, err)
	}
	return out
}

func userTurn() []providers.Message {
	return []providers.Message{{Role: "user", Content: providers.TextContent("hi")}}
}

func TestReasoningEffortToBudget(t *testing.T) {
	const model = "claude-sonnet-4-5"
	maxOut := 1000
	for _, tc := range []struct {
		effort     string
		budgets    providers.ReasoningBudgets
		wantBudget int
	}{
		{"", nil, 0},
		{"none", nil, 0},
		{"minimal", nil, 1024},
		{"low", nil, 2048},
		{"medium", nil, 8192},
		{"high", nil, 16384},
		{"xhigh", nil, 32768},
		{"low", providers.ReasoningBudgets{"low": 3000}, 3000},
		{"low", providers.ReasoningBudgets{"low": 10}, 1024}, // Anthropic's minimum
		{"high", providers.ReasoningBudgets{"low": 3000}, 16384},
	} {
		req := &providers.ChatRequest{Messages: userTurn(), MaxTokens: &maxOut, ReasoningEffort: tc.effort}
		got := thinkingBody(t, req, Options{Model: model, Budgets: tc.budgets})
		if tc.wantBudget == 0 {
			if got.Thinking != nil || got.MaxTokens != maxOut {
				t.Errorf("%q: thinking %+v max_tokens %d, want none and %d", tc.effort, got.Thinking, got.MaxTokens, maxOut)
			}
			continue
		}
		if got.Thinking == nil || got.Thinking.Type != "enabled" || got.Thinking.BudgetTokens != tc.wantBudget {
			t.Errorf("%q %v: thinking %+v, want enabled budget %d", tc.effort, tc.budgets, got.Thinking, tc.wantBudget)
			continue
		}
		if got.MaxTokens != maxOut+tc.wantBudget {
			t.Errorf("%q: max_tokens %d, want the client's %d plus the budget %d", tc.effort, got.MaxTokens, maxOut, tc.wantBudget)
		}
	}
}

func TestThinkingLimits(t *testing.T) {
	for _, tc := range []struct {
		name                string
		visible, budget     int
		clientSet           bool
		model               string
		wantMax, wantBudget int
	}{
		{"client limit plus budget", 1000, 8192, true, "claude-sonnet-4-5", 9192, 8192},
		{"capped at the model limit", 60000, 16384, true, "claude-sonnet-4-5", 64000, 16384},
		{"client limit above the model limit", 70000, 16384, true, "claude-sonnet-4-5", 70000, 16384},
		{"default limit already holds the budget", 64000, 16384, false, "claude-sonnet-4-5", 64000, 16384},
		{"small model limit shrinks the budget", 1000, 8192, true, "claude-3-haiku", 4096, 2048},
		{"tiny configured default", 100, 1024, false, "claude-3-haiku", 1124, 1024},
		{"unknown model", 1000, 32768, true, "mystery", 4096, 2048},
	} {
		gotMax, gotBudget := thinkingLimits(tc.visible, tc.budget, tc.clientSet, tc.model)
		if gotMax != tc.wantMax || gotBudget != tc.wantBudget {
			t.Errorf("%s: max_tokens %d budget %d, want %d and %d", tc.name, gotMax, gotBudget, tc.wantMax, tc.wantBudget)
		}
		if gotMax <= gotBudget || gotBudget < providers.MinThinkingBudget {
			t.Errorf("%s: max_tokens %d must exceed budget %d >= 1024", tc.name, gotMax, gotBudget)
		}
	}
}

func TestAdaptiveThinkingModels(t *testing.T) {
	for _, tc := range []struct {
		model, effort, wantEffort string
	}{
		{"claude-opus-4-6", "low", "low"},
		{"claude-sonnet-4-6", "minimal", "low"},
		{"claude-sonnet-4-6", "medium", "medium"},
		{"claude-opus-4-7", "high", "high"},
		{"claude-opus-4-7", "xhigh", "max"},
		{"claude-sonnet-4-6", "xhigh", "high"},
		{"anthropic.claude-sonnet-5", "xhigh", "max"},
	} {
		req := &providers.ChatRequest{Messages: userTurn(), ReasoningEffort: tc.effort}
		got := thinkingBody(t, req, Options{Model: tc.model})
		if got.Thinking == nil || got.Thinking.Type != "adaptive" || got.Thinking.BudgetTokens != 0 {
			t.Errorf("%s: thinking %+v, want adaptive without a budget", tc.model, got.Thinking)
		}
		if got.OutputConfig == nil || got.OutputConfig.Effort != tc.wantEffort {
			t.Errorf("%s %s: output_config %+v, want effort %s", tc.model, tc.effort, got.OutputConfig, tc.wantEffort)
		}
	}
	for _, m := range []string{"claude-3-5-sonnet-20241022", "claude-3-haiku-20240307"} {
		req := &providers.ChatRequest{Messages: userTurn(), ReasoningEffort: "high"}
		if got := thinkingBody(t, req, Options{Model: m}); got.Thinking != nil || got.OutputConfig != nil {
			t.Errorf("%s cannot think: got thinking %+v", m, got.Thinking)
		}
	}
	for _, m := range []string{"claude-sonnet-4-5", "claude-opus-4-1", "claude-3-7-sonnet-latest", "mystery"} {
		if UsesAdaptiveThinking(m) {
			t.Errorf("%s takes a budget, not adaptive thinking", m)
		}
	}
}

func TestThinkingAdjustsSampling(t *testing.T) {
	temp, topP, topK := 0.2, 0.5, 40
	req := &providers.ChatRequest{Messages: userTurn(), ReasoningEffort: "low", Temperature: &temp, TopP: &topP, TopK: &topK}
	got := thinkingBody(t, req, Options{Model: "claude-sonnet-4-5"})
	if got.Temperature != nil || got.TopK != nil {
		t.Errorf("temperature %v top_k %v: want both dropped with thinking on", got.Temperature, got.TopK)
	}
	if got.TopP == nil || *got.TopP != 0.95 {
		t.Errorf("top_p %v, want raised to 0.95", got.TopP)
	}
	// Without reasoning the sampling parameters pass as before.
	req.ReasoningEffort = ""
	got = thinkingBody(t, req, Options{Model: "claude-sonnet-4-5"})
	if got.Temperature == nil || *got.Temperature != temp || got.TopK == nil || got.TopP == nil || *got.TopP != topP {
		t.Errorf("without thinking: temperature %v top_k %v top_p %v changed", got.Temperature, got.TopK, got.TopP)
	}
}

func TestThinkingRefusesForcedToolChoice(t *testing.T) {
	tools := []providers.Tool{{Type: "function", Function: providers.FunctionDef{Name: "f"}}}
	for _, choice := range []*providers.ToolChoice{{Mode: "required"}, {Function: "f"}} {
		req := &providers.ChatRequest{Messages: userTurn(), ReasoningEffort: "high", Tools: tools, ToolChoice: choice}
		_, err := ToAnthropic(req, Options{Model: "claude-sonnet-4-5"})
		var pe *providers.Error
		if !errors.As(err, &pe) || pe.Kind != providers.KindInvalidRequest || pe.Param != "tool_choice" {
			t.Errorf("tool_choice %+v with thinking: err %v, want an invalid request naming tool_choice", choice, err)
		}
	}
	req := &providers.ChatRequest{Messages: userTurn(), ReasoningEffort: "high", Tools: tools, ToolChoice: &providers.ToolChoice{Mode: "auto"}}
	if got := thinkingBody(t, req, Options{Model: "claude-sonnet-4-5"}); got.Thinking == nil {
		t.Error("tool_choice auto with thinking: want thinking on")
	}
}

func TestUnknownReasoningEffort(t *testing.T) {
	req := &providers.ChatRequest{Messages: userTurn(), ReasoningEffort: "extreme"}
	_, err := ToAnthropic(req, Options{Model: "claude-sonnet-4-5"})
	var pe *providers.Error
	if !errors.As(err, &pe) || pe.Param != "reasoning_effort" {
		t.Fatalf("err %v, want an invalid request naming reasoning_effort", err)
	}
}

func TestThinkingEncoderMatchesEncodingJSON(t *testing.T) {
	for _, w := range []*wireRequest{
		{Model: "m", MaxTokens: 5000, Thinking: &Thinking{Type: "enabled", BudgetTokens: 2048}},
		{Model: "m", MaxTokens: 5000, Thinking: &Thinking{Type: "adaptive"}, OutputConfig: &OutputConfig{Effort: "max"}},
		{Model: "m", MaxTokens: 5000, OutputConfig: &OutputConfig{}},
	} {
		fast, ok := encodeRequest(w)
		slow, err := json.Marshal(w)
		if !ok || err != nil || string(fast) != string(slow) {
			t.Errorf("encodeRequest %s\nencoding/json %s", fast, slow)
		}
	}
}

// TestAnthropicClientMaxTokensKept: the max_tokens of an Anthropic client
// (translated here when its body could not be relayed) already counts
// thinking, so it is not raised by the budget.
func TestAnthropicClientMaxTokensKept(t *testing.T) {
	limit := 20000
	req := &providers.ChatRequest{Messages: userTurn(), MaxTokens: &limit, ReasoningEffort: "medium"}
	req.Original = providers.Original{Format: providers.FormatAnthropicMessages}
	got := thinkingBody(t, req, Options{Model: "claude-sonnet-4-5"})
	if got.MaxTokens != limit || got.Thinking == nil || got.Thinking.BudgetTokens != 8192 {
		t.Errorf("max_tokens %d thinking %+v, want %d and budget 8192", got.MaxTokens, got.Thinking, limit)
	}
}

// TestThinkingBlocksRestoredBeforeToolUse: an assistant turn's
// thinking_blocks go back first, unchanged and in order; a tool turn
// without them leaves thinking off, which Anthropic would refuse.
func TestThinkingBlocksRestoredBeforeToolUse(t *testing.T) {
	history := func(blocks []providers.ThinkingBlock) *providers.ChatRequest {
		return &providers.ChatRequest{Model: "claude-sonnet-4-5", ReasoningEffort: "low", Messages: []providers.Message{
			{Role: "user", Content: providers.TextContent("Weather?")},
			{Role: "assistant", ThinkingBlocks: blocks, ToolCalls: []providers.ToolCall{{ID: "toolu_1", Type: "function",
				Function: providers.FunctionCall{Name: "w", Arguments: "{}"}}}},
			{Role: "tool", ToolCallID: "toolu_1", Content: providers.TextContent("18C")},
		}}
	}
	out, err := ToAnthropic(history([]providers.ThinkingBlock{
		{Type: "thinking", Thinking: "a\n", Signature: "s1=="}, {Type: "redacted_thinking", Data: "ZW5j"}}), Options{Model: "claude-sonnet-4-5"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"role":"assistant","content":[{"type":"thinking","thinking":"a\n","signature":"s1=="},{"type":"redacted_thinking","data":"ZW5j"},{"type":"tool_use"`
	if !strings.Contains(string(out), want) || !strings.Contains(string(out), `"thinking":{"type":"enabled"`) {
		t.Errorf("with blocks: %s", out)
	}
	out, err = ToAnthropic(history(nil), Options{Model: "claude-sonnet-4-5"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), `"thinking":{`) {
		t.Errorf("without blocks, thinking was sent: %s", out)
	}
}
