package anthropic

import (
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// Thinking is the request's thinking setting: "enabled" with a budget, or
// "adaptive" (the model decides, steered by OutputConfig.Effort).
type Thinking struct {
	Type         string `json:"type"`
	BudgetTokens int    `json:"budget_tokens,omitempty"`
}

// OutputConfig carries the effort level of adaptive thinking.
type OutputConfig struct {
	Effort string `json:"effort,omitempty"`
}

// UsesAdaptiveThinking reports whether a model takes thinking as
// {type: "adaptive"} with output_config.effort rather than a budget:
// Claude 4.6 and later (Opus 4.7 and later reject budgets with a 400).
// Names it cannot place take a budget, which every older thinking model
// accepts.
func UsesAdaptiveThinking(model string) bool {
	_, major, minor, ok := parseModelName(model)
	return ok && (major > 4 || major == 4 && minor >= 6)
}

// thinks reports whether a model can think: not Claude 3 and 3.5, which
// refuse the thinking field (an effort asked of them is left out). Names it
// cannot place are assumed to think.
func thinks(model string) bool {
	_, major, minor, ok := parseModelName(model)
	return !ok || major > 3 || major == 3 && minor >= 7
}

// adaptiveEffort is output_config.effort for an OpenAI effort level.
// Anthropic's levels are low, medium, high and max; minimal has no
// counterpart below low, and xhigh becomes max, which Opus models and
// later generations take (high for the others).
func adaptiveEffort(effort, model string) string {
	switch effort {
	case providers.EffortMinimal, providers.EffortLow:
		return "low"
	case providers.EffortMedium:
		return "medium"
	case providers.EffortXHigh:
		if family, major, _, _ := parseModelName(model); family == "opus" || major > 4 {
			return "max"
		}
	}
	return "high"
}

// applyThinking turns the client's reasoning_effort into Anthropic's
// thinking setting and makes the rest of the request legal with thinking
// on: max_tokens grows by the budget so the visible answer keeps the
// client's limit (capped at the model's output limit, and always above the
// budget, as Anthropic requires); temperature and top_k are dropped (only
// the default is allowed) and top_p is raised to 0.95 at least; a forced
// tool choice, which Anthropic refuses with thinking, is a 400 here.
func applyThinking(w *wireRequest, req *providers.ChatRequest, o Options) error {
	budget, known := o.Budgets.Budget(req.ReasoningEffort)
	if !known {
		return invalid("reasoning_effort", "reasoning_effort: unknown value %q (want none, minimal, low, medium, high or xhigh)", req.ReasoningEffort)
	}
	if budget == 0 || !thinks(o.Model) || toolTurnWithoutThinking(w.Messages) {
		return nil
	}
	if tc := w.ToolChoice; tc != nil && (tc.Type == "any" || tc.Type == "tool") {
		return invalid("tool_choice", "tool_choice: a forced tool choice (required or a named function) cannot be combined with reasoning_effort on provider type anthropic; use auto or none, or turn reasoning off")
	}
	budget = max(budget, providers.MinThinkingBudget)
	// An Anthropic client's own max_tokens (its body was not relayed, e.g.
	// after redaction) already counts thinking: it is not raised again.
	visibleLimit := req.OutputLimit() > 0 && req.Original.Format != providers.FormatAnthropicMessages
	w.MaxTokens, budget = thinkingLimits(w.MaxTokens, budget, visibleLimit, o.Model)
	if UsesAdaptiveThinking(o.Model) {
		w.Thinking = &Thinking{Type: "adaptive"}
		w.OutputConfig = &OutputConfig{Effort: adaptiveEffort(req.ReasoningEffort, o.Model)}
	} else {
		w.Thinking = &Thinking{Type: "enabled", BudgetTokens: budget}
	}
	w.Temperature = nil
	w.TopK = nil
	if w.TopP != nil && *w.TopP < 0.95 {
		p := 0.95
		w.TopP = &p
	}
	return nil
}

// toolTurnWithoutThinking is ToolTurnLacksThinking for a Messages request.
func toolTurnWithoutThinking(turns []wireMessage) bool {
	return ToolTurnLacksThinking(turns, func(m *wireMessage) (string, []Block) { return m.Role, m.Content },
		func(b *Block) string { return b.Type })
}

// ToolTurnLacksThinking is Claude's rule for the last assistant turn of a
// request with thinking on, wherever Claude is served (the Messages API,
// Bedrock's Converse): a turn that calls tools must start with a thinking
// or redacted_thinking block. It reports whether the last assistant turn
// of turns breaks the rule, because the client did not give back the
// thinking_blocks of its previous answer (it did not ask for them, or
// dropped them, or that answer came from another provider). Claude refuses
// such a continuation with thinking on ("a final assistant message must
// start with a thinking block"), so thinking stays off for it; the next
// user turn starts a new loop and thinks again. turn gives a turn's role
// and blocks, kind a block's Messages API type.
func ToolTurnLacksThinking[T, B any](turns []T, turn func(*T) (role string, blocks []B), kind func(*B) string) bool {
	for i := len(turns) - 1; i >= 0; i-- {
		role, blocks := turn(&turns[i])
		if role != "assistant" {
			continue
		}
		for j := range blocks {
			if kind(&blocks[j]) == "tool_use" {
				first := kind(&blocks[0])
				return first != "thinking" && first != "redacted_thinking"
			}
		}
		return false
	}
	return false
}

// thinkingLimits computes max_tokens and budget_tokens. A client's own
// limit is the visible answer's: max_tokens = limit + budget. The total is
// capped at the model's output limit (DefaultMaxTokens) unless the
// client's limit alone is larger; when the cap leaves no room the budget
// shrinks to half of max_tokens, never below Anthropic's minimum of 1024,
// and max_tokens stays above the budget.
func thinkingLimits(visible, budget int, clientSet bool, model string) (maxTokens, budgetTokens int) {
	limit := DefaultMaxTokens(model)
	total := visible
	if clientSet || total < budget+providers.MinThinkingBudget {
		total = providers.AddTokens(visible, budget)
	}
	if total > limit {
		total = max(limit, visible)
	}
	if budget >= total {
		budget = max(total/2, providers.MinThinkingBudget)
	}
	if total <= budget {
		total = providers.AddTokens(budget, 1)
	}
	return total, budget
}
