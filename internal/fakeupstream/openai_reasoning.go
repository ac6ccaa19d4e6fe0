package fakeupstream

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// OpenAI reasoning models (o-series, gpt-5 family) as the API treats them:
// which reasoning efforts a model takes, what it refuses, and how many
// hidden reasoning tokens an effort costs. The facts follow OpenAI's
// reasoning_effort reference: models before gpt-5.1 default to medium and
// do not take none; gpt-5 adds minimal; gpt-5.1 defaults to none and drops
// minimal; xhigh came after gpt-5.1; gpt-5-pro takes only high.

// oaiEffortProfile is the reasoning_effort values a model takes and the
// one it uses when the request names none.
type oaiEffortProfile struct {
	values []string
	def    string
}

// oaiEfforts returns model's profile; ok is false for a model that does
// not reason.
func oaiEfforts(model string) (p oaiEffortProfile, ok bool) {
	if !oaiReasoningModel(model) {
		return p, false
	}
	switch {
	case strings.HasPrefix(model, "gpt-5-pro"):
		return oaiEffortProfile{[]string{"high"}, "high"}, true
	case strings.HasPrefix(model, "gpt-5.1"):
		return oaiEffortProfile{[]string{"none", "low", "medium", "high"}, "none"}, true
	case strings.HasPrefix(model, "gpt-5."):
		return oaiEffortProfile{[]string{"none", "low", "medium", "high", "xhigh"}, "none"}, true
	case strings.HasPrefix(model, "gpt-5"):
		return oaiEffortProfile{[]string{"minimal", "low", "medium", "high"}, "medium"}, true
	}
	return oaiEffortProfile{[]string{"low", "medium", "high"}, "medium"}, true
}

// oaiEffortTokens is how many reasoning tokens the fake spends per effort:
// more for a higher one, so tests can see which effort arrived.
var oaiEffortTokens = map[string]int{"none": 0, "minimal": 8, "low": 32, "medium": 96, "high": 192, "xhigh": 384}

// oaiReasoningPlan is what a reasoning model will do for one request.
type oaiReasoningPlan struct {
	effort string // the effort in force ("" for a model that does not reason)
	tokens int    // hidden reasoning tokens spent
}

// oaiChatOnlyModel reports whether model is one of OpenAI's models that
// do not reason, which refuse a reasoning effort. Other names (the fake
// also stands in for OpenAI-compatible servers) take and ignore it.
func oaiChatOnlyModel(model string) bool {
	for _, p := range []string{"gpt-4", "gpt-3.5", "chatgpt-4o"} {
		if strings.HasPrefix(model, p) {
			return true
		}
	}
	return false
}

// reasoningPlan checks the requested effort against model (param names the
// field in OpenAI's error: reasoning_effort or reasoning.effort) and returns
// the effort in force with its token cost. A model that does not reason
// gets only the configured ReasoningTokens.
func (f *fakeOpenAI) reasoningPlan(model string, effort *string, param string) (oaiReasoningPlan, *OpenAIError) {
	prof, ok := oaiEfforts(model)
	if !ok {
		if effort != nil && oaiChatOnlyModel(model) {
			return oaiReasoningPlan{}, oaiInvalidRequest(param, "unsupported_parameter",
				"Unsupported parameter: '"+param+"' is not supported with this model.")
		}
		return oaiReasoningPlan{tokens: f.cfg.ReasoningTokens}, nil
	}
	plan := oaiReasoningPlan{effort: prof.def}
	if effort != nil {
		plan.effort = *effort
		if !slices.Contains(prof.values, plan.effort) {
			return plan, oaiInvalidRequest(param, "unsupported_value",
				"Unsupported value: '"+plan.effort+"' is not supported with the '"+model+"' model. Supported values are: "+oaiQuoteList(prof.values)+".")
		}
	}
	plan.tokens = oaiEffortTokens[plan.effort]
	if f.cfg.ReasoningTokens > 0 {
		plan.tokens = f.cfg.ReasoningTokens
	}
	return plan, nil
}

// oaiCheckTemperature refuses a temperature other than 1 on a reasoning
// model, except with effort none (gpt-5.1 and later sample like a chat
// model then). Chat completions names the value; the Responses API calls
// the parameter unsupported.
func oaiCheckTemperature(plan oaiReasoningPlan, temperature *float64, responsesAPI bool) *OpenAIError {
	if plan.effort == "" || plan.effort == "none" || temperature == nil || *temperature == 1 {
		return nil
	}
	if responsesAPI {
		return &OpenAIError{Status: http.StatusBadRequest, Type: "invalid_request_error", Param: "temperature",
			Message: "Unsupported parameter: 'temperature' is not supported with this model."}
	}
	return oaiInvalidRequest("temperature", "unsupported_value",
		"Unsupported value: 'temperature' does not support "+strconv.FormatFloat(*temperature, 'g', -1, 64)+
			" with this model. Only the default (1) value is supported.")
}

// oaiSpend divides an output limit between reasoning and visible tokens as
// OpenAI does: max_completion_tokens (max_output_tokens) counts both, and
// reasoning comes first, so a small limit can leave no visible answer.
// It returns the reasoning tokens spent and how many visible tokens remain
// (-1: no limit).
func oaiSpend(reasoning int, limit *int) (spent, visible int) {
	if limit == nil || *limit <= 0 {
		return reasoning, -1
	}
	if reasoning >= *limit {
		return *limit, 0
	}
	return reasoning, *limit - reasoning
}

// oaiQuoteList renders values as OpenAI's errors list them: 'a', 'b', and 'c'.
func oaiQuoteList(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = "'" + v + "'"
	}
	switch len(q) {
	case 1:
		return q[0]
	case 2:
		return q[0] + " and " + q[1]
	}
	return strings.Join(q[:len(q)-1], ", ") + ", and " + q[len(q)-1]
}
