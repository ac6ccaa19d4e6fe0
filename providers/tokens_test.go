package providers

import (
	"math"
	"testing"
)

// Issue 14: usage counts from an upstream are subtracted without wrapping
// around, so absurd ones cannot turn into a huge or negative price.
func TestUsageTokensSaturate(t *testing.T) {
	u := &Usage{PromptTokens: math.MinInt + 1, CacheWriteTokens: math.MaxInt,
		CompletionTokens: math.MaxInt, CompletionTokensDetails: &CompletionTokensDetails{ReasoningTokens: math.MinInt}}
	got := u.Tokens()
	if got.Input != 0 || got.Output != math.MaxInt {
		t.Fatalf("Tokens() = %+v; want Input 0 and Output MaxInt", got)
	}
}
