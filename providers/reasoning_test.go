package providers

import (
	"math"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

func TestEffortForBudgetThresholds(t *testing.T) {
	for _, tc := range []struct {
		budget int
		want   string
	}{
		{-5, "none"}, {0, "none"}, {1, "low"}, {1024, "low"}, {4095, "low"},
		{4096, "medium"}, {16383, "medium"}, {16384, "high"}, {32767, "high"},
		{32768, "xhigh"}, {math.MaxInt32, "xhigh"},
	} {
		if got := EffortForBudget(tc.budget); got != tc.want {
			t.Errorf("EffortForBudget(%d) = %q, want %q", tc.budget, got, tc.want)
		}
	}
	// Each default budget but minimal's maps back to its own level.
	for level, n := range DefaultReasoningBudgets {
		if level != EffortMinimal && EffortForBudget(n) != level {
			t.Errorf("default %s budget %d maps to %s", level, n, EffortForBudget(n))
		}
	}
}

func TestReasoningBudgetsLookup(t *testing.T) {
	b := ReasoningBudgets{"low": 3000}
	for _, tc := range []struct {
		effort string
		want   int
		ok     bool
	}{
		{"", 0, true}, {"none", 0, true}, {"low", 3000, true}, {"high", 16384, true}, {"turbo", 0, false},
	} {
		if n, ok := b.Budget(tc.effort); n != tc.want || ok != tc.ok {
			t.Errorf("Budget(%q) = %d %t, want %d %t", tc.effort, n, ok, tc.want, tc.ok)
		}
	}
	if AddTokens(math.MaxInt32, 5) != math.MaxInt32 {
		t.Error("AddTokens does not saturate")
	}
}

func TestReasoningBudgetsCaddyfile(t *testing.T) {
	var cfg Config
	if err := cfg.UnmarshalBlock(caddyfile.NewTestDispenser("provider p {\n reasoning_budgets low 3000 high 24000\n}"), nil); err != nil {
		t.Fatal(err)
	}
	if cfg.ReasoningBudgets["low"] != 3000 || cfg.ReasoningBudgets["high"] != 24000 || len(cfg.ReasoningBudgets) != 2 {
		t.Errorf("parsed %v", cfg.ReasoningBudgets)
	}
	for _, block := range []string{"reasoning_budgets", "reasoning_budgets low", "reasoning_budgets low many"} {
		var c Config
		if err := c.UnmarshalBlock(caddyfile.NewTestDispenser("provider p {\n "+block+"\n}"), nil); err == nil {
			t.Errorf("%q was accepted", block)
		}
	}
	for _, tc := range []struct {
		b    ReasoningBudgets
		want string
	}{
		{ReasoningBudgets{"turbo": 10}, `unknown effort "turbo"`},
		{ReasoningBudgets{"none": 10}, `unknown effort "none"`},
		{ReasoningBudgets{"low": 0}, "want a positive number"},
	} {
		c := Config{ReasoningBudgets: tc.b}
		if err := c.Provision(Defaults{Type: "openai", BaseURL: "http://127.0.0.1:1"}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err %v, want %q", tc.b, err, tc.want)
		}
	}
}
