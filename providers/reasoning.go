package providers

import (
	"fmt"
	"math"
	"sort"
)

// Reasoning effort levels, as OpenAI's chat reasoning_effort and the
// Responses API's reasoning.effort spell them. "none" turns reasoning off.
const (
	EffortNone    = "none"
	EffortMinimal = "minimal"
	EffortLow     = "low"
	EffortMedium  = "medium"
	EffortHigh    = "high"
	EffortXHigh   = "xhigh"
)

// MinThinkingBudget is the smallest thinking budget Anthropic accepts.
const MinThinkingBudget = 1024

// DefaultReasoningBudgets are the thinking budgets, in tokens, that an
// effort level becomes for providers that take a budget (Anthropic's
// thinking.budget_tokens, Gemini 2.5's thinkingBudget). Each level doubles
// the one below it from Anthropic's minimum, with high and xhigh at 16K
// and 32K so they fit every current model's output limit.
var DefaultReasoningBudgets = ReasoningBudgets{
	EffortMinimal: 1024,
	EffortLow:     2048,
	EffortMedium:  8192,
	EffortHigh:    16384,
	EffortXHigh:   32768,
}

// ReasoningBudgets maps effort levels to thinking budgets in tokens. A
// provider's configured map overrides DefaultReasoningBudgets level by
// level (provider option reasoning_budgets).
type ReasoningBudgets map[string]int

// Budget is the thinking budget for an effort level: the configured value,
// else the default. It is 0 for "" and "none" (no thinking), and ok is
// false for a level the gateway does not know.
func (b ReasoningBudgets) Budget(effort string) (n int, ok bool) {
	switch effort {
	case "", EffortNone:
		return 0, true
	}
	if n, ok := b[effort]; ok {
		return n, true
	}
	n, ok = DefaultReasoningBudgets[effort]
	return n, ok
}

// Check rejects unknown levels and budgets that are not positive.
func (b ReasoningBudgets) Check() error {
	levels := make([]string, 0, len(b))
	for k := range b {
		levels = append(levels, k)
	}
	sort.Strings(levels)
	for _, k := range levels {
		if _, known := DefaultReasoningBudgets[k]; !known {
			return fmt.Errorf("reasoning_budgets: unknown effort %q (want minimal, low, medium, high or xhigh)", k)
		}
		if b[k] < 1 {
			return fmt.Errorf("reasoning_budgets: %s: want a positive number of tokens, got %d", k, b[k])
		}
	}
	return nil
}

// KnownEffort reports whether effort is a level the gateway can translate.
func KnownEffort(effort string) bool {
	_, ok := DefaultReasoningBudgets.Budget(effort)
	return ok
}

// EffortForBudget is the effort level a thinking budget stands for, used
// when a request that names a budget (Anthropic thinking.budget_tokens)
// goes to a provider that takes a level. Each default budget maps back to
// its own level (minimal's 1024 to low, which every reasoning model takes):
//
//	budget <= 0      none
//	budget <  4096   low
//	budget <  16384  medium
//	budget <  32768  high
//	otherwise        xhigh
func EffortForBudget(budget int) string {
	switch {
	case budget <= 0:
		return EffortNone
	case budget < 4096:
		return EffortLow
	case budget < 16384:
		return EffortMedium
	case budget < 32768:
		return EffortHigh
	}
	return EffortXHigh
}

// AddTokens adds two token counts, saturating at the largest int32 so a
// request body never carries an overflowed limit.
func AddTokens(a, b int) int {
	s := int64(a) + int64(b)
	if s > math.MaxInt32 {
		return math.MaxInt32
	}
	return int(s)
}

// ReasoningFamily is where an answer's reasoning came from
// (ChatRequest.ReasoningSource): a family of providers that can take it
// back on a later turn.
type ReasoningFamily uint8

// The reasoning families: none the gateway can give reasoning back to (and
// answers from the cache); OpenAI-format upstreams (whose reasoning goes
// back as a message's reasoning_content); Gemini (whose thought signatures
// ride in tool-call ids).
const (
	ReasoningFromOther ReasoningFamily = iota
	ReasoningFromOpenAI
	ReasoningFromGoogle
)
