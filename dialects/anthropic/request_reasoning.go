package anthropic

import "github.com/sira-ai/caddy-ai-backends/providers"

// inThinking is the request's thinking setting.
type inThinking struct {
	Type         string `json:"type"`
	BudgetTokens *int   `json:"budget_tokens"`
}

// reasoningEffort maps thinking and output_config.effort onto the unified
// reasoning_effort, for a request translated to a provider of another API
// (an Anthropic upstream gets the client's body as is):
//
//	thinking enabled, budget_tokens N    → providers.EffortForBudget(N)
//	thinking adaptive, effort low/medium/high/max → low/medium/high/xhigh
//	thinking adaptive without an effort  → high (Anthropic's default effort)
//	thinking disabled, or absent         → none sent (the model's default)
//	output_config.effort without thinking → the same level map
//
// A budget below Anthropic's minimum of 1024, or an unknown type or effort,
// is a 400 naming the field, as Anthropic answers it.
func reasoningEffort(t *inThinking, effort string) (string, error) {
	level, err := effortLevel(effort)
	if err != nil {
		return "", err
	}
	if t == nil {
		return level, nil
	}
	switch t.Type {
	case "enabled":
		if t.BudgetTokens == nil {
			return "", invalid("thinking.budget_tokens", "thinking.budget_tokens: field required")
		}
		if *t.BudgetTokens < providers.MinThinkingBudget {
			return "", invalid("thinking.budget_tokens", "thinking.budget_tokens: must be greater than or equal to 1024")
		}
		return providers.EffortForBudget(*t.BudgetTokens), nil
	case "adaptive":
		if level == "" {
			return providers.EffortHigh, nil
		}
		return level, nil
	case "disabled":
		return "", nil
	}
	return "", invalid("thinking.type", "thinking.type: must be one of enabled, adaptive or disabled")
}

// effortLevel maps output_config.effort to an OpenAI effort level.
func effortLevel(effort string) (string, error) {
	switch effort {
	case "":
		return "", nil
	case "low", "medium", "high":
		return effort, nil
	case "max", "xhigh":
		return providers.EffortXHigh, nil
	}
	return "", invalid("output_config.effort", "output_config.effort: must be one of low, medium, high, xhigh or max")
}

// budgetBelowMaxTokens applies Anthropic's rule that max_tokens, which
// counts thinking, exceeds thinking.budget_tokens. The gateway answers the
// 400 itself, naming both fields, rather than relay a request that must
// fail upstream (or translate one whose meaning is unclear). A key's
// max_tokens ceiling refuses a larger max_tokens and never lowers it, so a
// request that passes both checks is one Anthropic accepts.
func budgetBelowMaxTokens(t *inThinking, maxTokens *int) error {
	if t == nil || t.Type != "enabled" || t.BudgetTokens == nil || maxTokens == nil || *maxTokens > *t.BudgetTokens {
		return nil
	}
	return invalid("thinking.budget_tokens", "thinking.budget_tokens (%d) must be less than max_tokens (%d): max_tokens counts thinking; raise max_tokens or lower the budget",
		*t.BudgetTokens, *maxTokens)
}
