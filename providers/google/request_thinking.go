package google

import (
	"strings"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// geminiMaxOutput is the output limit of the 2.5 and 3 families, thoughts
// included; maxOutputTokens raised for thinking never exceeds it.
const geminiMaxOutput = 65536

// translate is toGemini for a chat call to one upstream model, with the
// client's reasoning_effort applied (it depends on the model's family).
func (p *Provider) translate(req *providers.ChatRequest, model string) (*generateRequest, error) {
	out, err := toGemini(req, p.SafetySettings)
	if err != nil {
		return nil, err
	}
	if err := applyThinking(out, req, model, p.ReasoningBudgets); err != nil {
		return nil, err
	}
	return out, nil
}

// geminiFamily is the model's generation as thinking is concerned: 25 for
// Gemini 2.5 (thinkingBudget), 3 for Gemini 3 and later (thinkingLevel),
// 0 for models without thinking and names it cannot place.
func geminiFamily(model string) int {
	name := strings.ToLower(model)
	i := strings.Index(name, "gemini-")
	if i < 0 {
		return 0
	}
	v := name[i+len("gemini-"):]
	switch {
	case strings.HasPrefix(v, "2.5"):
		return 25
	case len(v) > 0 && v[0] >= '3' && v[0] <= '9':
		return 3
	}
	return 0
}

// applyThinking maps reasoning_effort into generationConfig.thinkingConfig.
//
// Gemini 2.5: thinkingBudget is the effort's budget (reasoning_budgets),
// at most 32768 on Pro and 24576 on Flash; "none" is a budget of 0, except
// on Pro, which cannot stop thinking and gets its minimum of 128.
// Gemini 3: thinkingLevel "low" for minimal and low, "high" above; "none"
// sends no level (Gemini 3 cannot turn thinking off). Other models get no
// thinkingConfig: they do not think and would refuse it.
//
// Gemini counts thoughts inside maxOutputTokens, so a client's limit grows
// by the effort's budget (capped at the model's output limit) to leave the
// visible answer what the client asked for; except an Anthropic client's
// max_tokens, which already counts thinking.
//
// includeThoughts is asked for when the client wants reasoning text
// (IncludeReasoning) from a model that thinks, with or without an effort.
func applyThinking(out *generateRequest, req *providers.ChatRequest, model string, budgets providers.ReasoningBudgets) error {
	if req.ReasoningEffort == "" {
		if req.IncludeReasoning && geminiFamily(model) != 0 {
			g := out.GenerationConfig
			if g == nil {
				g = &generationConfig{}
				out.GenerationConfig = g
			}
			g.ThinkingConfig = &thinkingConfig{IncludeThoughts: true}
		}
		return nil
	}
	budget, known := budgets.Budget(req.ReasoningEffort)
	if !known {
		e := invalid("reasoning_effort: unknown value %q (want none, minimal, low, medium, high or xhigh)", req.ReasoningEffort)
		e.Param = "reasoning_effort"
		return e
	}
	family := geminiFamily(model)
	if family == 0 {
		return nil
	}
	tc := &thinkingConfig{}
	pro := strings.Contains(strings.ToLower(model), "-pro")
	switch family {
	case 25:
		n := budget
		if pro {
			n = min(max(n, 128), 32768)
		} else {
			n = min(n, 24576)
		}
		tc.ThinkingBudget = &n
		budget = n
	case 3:
		switch req.ReasoningEffort {
		case providers.EffortNone:
			return nil
		case providers.EffortMinimal, providers.EffortLow:
			tc.ThinkingLevel = "low"
		default:
			tc.ThinkingLevel = "high"
		}
	}
	if out.GenerationConfig == nil {
		out.GenerationConfig = &generationConfig{}
	}
	g := out.GenerationConfig
	tc.IncludeThoughts = req.IncludeReasoning && (tc.ThinkingBudget == nil || *tc.ThinkingBudget > 0)
	g.ThinkingConfig = tc
	// An Anthropic client's max_tokens already includes thinking, as
	// maxOutputTokens does: it is kept as the client sent it.
	if g.MaxOutputTokens != nil && budget > 0 && req.Original.Format != providers.FormatAnthropicMessages {
		n := max(min(providers.AddTokens(*g.MaxOutputTokens, budget), geminiMaxOutput), *g.MaxOutputTokens)
		g.MaxOutputTokens = &n
	}
	return nil
}
