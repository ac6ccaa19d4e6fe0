package openai

import (
	"slices"
	"strings"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// effortOrder is every reasoning_effort level, least reasoning first.
var effortOrder = [...]string{providers.EffortNone, providers.EffortMinimal, providers.EffortLow,
	providers.EffortMedium, providers.EffortHigh, providers.EffortXHigh}

// effortLevels is the reasoning_effort values an OpenAI reasoning model
// takes, by family, from OpenAI's reasoning_effort reference: models
// before gpt-5.1 do not take none, gpt-5 added minimal, gpt-5.1 dropped
// it, xhigh came after gpt-5.1, gpt-5-pro takes only high. nil for a name
// that is not an OpenAI reasoning model (sent as is).
func effortLevels(model string) []string {
	switch {
	case strings.HasPrefix(model, "gpt-5-pro"):
		return []string{providers.EffortHigh}
	case strings.HasPrefix(model, "gpt-5.1"):
		return []string{providers.EffortNone, providers.EffortLow, providers.EffortMedium, providers.EffortHigh}
	case strings.HasPrefix(model, "gpt-5."):
		return []string{providers.EffortNone, providers.EffortLow, providers.EffortMedium, providers.EffortHigh, providers.EffortXHigh}
	case strings.HasPrefix(model, "gpt-5"):
		return []string{providers.EffortMinimal, providers.EffortLow, providers.EffortMedium, providers.EffortHigh}
	case isReasoningModel(model):
		return []string{providers.EffortLow, providers.EffortMedium, providers.EffortHigh}
	}
	return nil
}

// translatedEffort is the level sent for an effort that came from another
// API's setting (an Anthropic thinking budget or effort, Gemini's
// thinkingConfig): the level model takes nearest to it, a tie going to
// more reasoning, so a translation never asks for one OpenAI refuses
// (xhigh becomes high on the o-series; none, which they cannot do, their
// least). An OpenAI client's own effort is never changed.
func translatedEffort(model, effort string) string {
	levels := effortLevels(model)
	at := effortIndex(effort)
	if levels == nil || at < 0 {
		return effort
	}
	best, bestDist := effort, -1
	for _, l := range levels {
		d := effortIndex(l) - at
		if d < 0 {
			d = -d*2 + 1 // below: farther than the same distance above
		} else {
			d *= 2
		}
		if bestDist < 0 || d < bestDist {
			best, bestDist = l, d
		}
	}
	return best
}

func effortIndex(effort string) int { return slices.Index(effortOrder[:], effort) }

// samplesWithReasoning reports whether model, asked for effort ("" when
// the request names none), reasons and so refuses sampling parameters:
// OpenAI's reasoning models take no temperature other than 1 and no top_p
// unless the effort in force is none, which only gpt-5.1 and later take
// and make their default.
func samplesWithReasoning(model, effort string) bool {
	levels := effortLevels(model)
	if levels == nil {
		return false
	}
	if effort == "" {
		return levels[0] != providers.EffortNone || strings.HasPrefix(model, "gpt-5-pro")
	}
	return effort != providers.EffortNone
}
