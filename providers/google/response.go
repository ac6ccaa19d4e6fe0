package google

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// fromGemini translates a generateContent answer into a unified chat
// completion. model is used when the answer names no modelVersion; created
// is the completion's Unix time (Gemini's answer has none).
//
// Each candidate becomes a choice: its non-thought text parts joined as the
// content, its functionCall parts as tool_calls (arguments as a JSON string,
// ids per toolid.go). Parts marked thought:true are the model's reasoning
// (thought summaries, sent when includeThoughts was asked for): not part of
// the answer, they become reasoning_content. When the prompt itself was blocked
// (promptFeedback.blockReason, no candidates) the answer is what OpenAI
// gives for filtered output: 200 with one empty choice whose finish_reason
// is content_filter.
func fromGemini(body []byte, model string, created int64) (*providers.ChatResponse, error) {
	g, err := decodeAnswer(body, false)
	if err != nil {
		return nil, err
	}
	resp := answerHead(g, body, model, created)
	resp.Choices = answerChoices(g)
	return resp, nil
}

// fromGeminiRelayed is fromGemini for an answer that goes to a Gemini
// client as it came (resp.Original): only its head (id, model, usage) is
// read now, and its candidates, checked for syntax only, become choices
// when something reads them (see providers.DeferChoices), as a relayed
// chat completion's do (providers.DecodeChatHead).
//
// Measured on a shared 2-core machine, BenchmarkGatewayCPU/gemini/pass:
// 161 to 143 allocations a request (the whole answer's encoding/json
// decode was 22 of them); see dialects/gemini/request_json.go for the
// timings of this and the request decoder together.
func fromGeminiRelayed(body []byte, model string, created int64) (*providers.ChatResponse, error) {
	g, err := decodeAnswer(body, true)
	if err != nil {
		return nil, err
	}
	resp := answerHead(g, body, model, created)
	resp.DeferChoices(body, func(body []byte) ([]providers.Choice, error) {
		g, err := decodeAnswer(body, false)
		if err != nil {
			return nil, err
		}
		return answerChoices(g), nil
	})
	resp.Original = providers.Original{Format: providers.FormatGemini, Body: body}
	return resp, nil
}

// decodeAnswer reads a generateContent answer with the stream's event
// parser, else (an error answer, a shape it leaves alone) encoding/json;
// headOnly leaves its candidates out.
func decodeAnswer(body []byte, headOnly bool) (*generateResponse, error) {
	p := eventParser{headOnly: headOnly}
	g, ok := p.parse(body)
	if !ok {
		g = &generateResponse{}
		if err := json.Unmarshal(body, g); err != nil {
			return nil, err
		}
	}
	if g.Error != nil {
		return nil, statusError("", g.Error.Code, nil, g.Error)
	}
	return g, nil
}

// answerHead is the unified answer without its choices.
func answerHead(g *generateResponse, body []byte, model string, created int64) *providers.ChatResponse {
	return &providers.ChatResponse{
		ID:      responseID(g.ResponseID, body),
		Object:  "chat.completion",
		Created: created,
		Model:   firstNonEmpty(g.ModelVersion, model),
		Usage:   usageFrom(g.UsageMetadata),
	}
}

// answerChoices is one choice per candidate, or the one empty choice of a
// blocked prompt.
func answerChoices(g *generateResponse) []providers.Choice {
	choices := make([]providers.Choice, 0, len(g.Candidates))
	for i, c := range g.Candidates {
		idx := candidateIndex(c, i)
		text, thought, calls := candidateParts(g.ResponseID, idx, c.Content, 0)
		msg := providers.Message{Role: "assistant", Content: providers.TextContent(text), ToolCalls: calls, ReasoningContent: thought}
		choices = append(choices, providers.Choice{
			Index:        idx,
			Message:      msg,
			FinishReason: finishReason(c.FinishReason, len(calls) > 0),
		})
	}
	if len(choices) == 0 {
		// Blocked prompt, or (rarely) an answer without candidates.
		reason := providers.FinishStop
		if g.PromptFeedback != nil && g.PromptFeedback.BlockReason != "" {
			reason = providers.FinishContentFilter
		}
		choices = append(choices, providers.Choice{
			Message:      providers.Message{Role: "assistant"},
			FinishReason: reason,
		})
	}
	return choices
}

// candidateParts splits a candidate's content into answer text, thought
// text and tool calls. firstOrdinal numbers the calls (a stream continues
// its count).
func candidateParts(responseID string, candidate int, c *content, firstOrdinal int) (string, string, []providers.ToolCall) {
	if c == nil {
		return "", "", nil
	}
	var text, thought joinedText
	var calls []providers.ToolCall
	for _, p := range c.Parts {
		switch {
		case p.FunctionCall != nil:
			calls = append(calls, toolCall(responseID, candidate, firstOrdinal+len(calls), p))
		case p.Thought:
			thought.add(p.Text)
		default:
			text.add(p.Text)
		}
	}
	return text.String(), thought.String(), calls
}

// joinedText concatenates texts without copying the first: a stream event
// usually holds one text part, which is then used as it is.
type joinedText struct {
	first string
	more  *strings.Builder
}

func (j *joinedText) add(s string) {
	switch {
	case s == "":
	case j.first == "":
		j.first = s
	default:
		if j.more == nil {
			j.more = &strings.Builder{}
			j.more.WriteString(j.first)
		}
		j.more.WriteString(s)
	}
}

func (j *joinedText) String() string {
	if j.more != nil {
		return j.more.String()
	}
	return j.first
}

// toolCall renders one functionCall part as an OpenAI tool call.
func toolCall(responseID string, candidate, ordinal int, p part) providers.ToolCall {
	fc := p.FunctionCall
	args := []byte(compactJSON(fc.Args))
	if len(args) == 0 || string(args) == "null" {
		args = []byte("{}")
	}
	base := fc.ID
	if base == "" {
		base = syntheticCallID(responseID, candidate, ordinal, fc.Name, args)
	}
	return providers.ToolCall{
		ID:       encodeToolCallID(base, p.ThoughtSignature),
		Type:     "function",
		Function: providers.FunctionCall{Name: fc.Name, Arguments: string(args)},
	}
}

// finishReason maps Gemini's finishReason to OpenAI's. A candidate that
// called a function finishes with tool_calls whatever Gemini said (it says
// STOP). Safety-type stops are content_filter. MAX_TOKENS is length.
// MALFORMED_FUNCTION_CALL, OTHER, LANGUAGE and any reason not listed are
// stop: OpenAI has no closer value, and the client still gets what was
// generated.
func finishReason(reason string, calledTool bool) string {
	if calledTool {
		return providers.FinishToolCalls
	}
	switch reason {
	case "MAX_TOKENS":
		return providers.FinishLength
	case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII",
		"IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION":
		return providers.FinishContentFilter
	}
	return providers.FinishStop
}

// usageFrom maps usageMetadata to OpenAI's usage: prompt_tokens is
// promptTokenCount (which already includes the cached tokens) plus tool-use
// prompt tokens; completion_tokens is candidatesTokenCount plus
// thoughtsTokenCount, since Gemini counts thoughts separately while OpenAI's
// completion tokens include reasoning.
func usageFrom(u *usageMetadata) *providers.Usage {
	if u == nil {
		return nil
	}
	prompt := u.PromptTokenCount + u.ToolUsePromptTokenCount
	completion := u.CandidatesTokenCount + u.ThoughtsTokenCount
	total := u.TotalTokenCount
	if total == 0 {
		total = prompt + completion
	}
	// One allocation for the usage and its details (a request's answer and
	// every stream's last chunk make one).
	a := &usageAlloc{
		cached:    providers.PromptTokensDetails{CachedTokens: u.CachedContentTokenCount},
		reasoning: providers.CompletionTokensDetails{ReasoningTokens: u.ThoughtsTokenCount},
	}
	a.usage = providers.Usage{
		PromptTokens:            prompt,
		CompletionTokens:        completion,
		TotalTokens:             total,
		PromptTokensDetails:     &a.cached,
		CompletionTokensDetails: &a.reasoning,
	}
	return &a.usage
}

// usageAlloc holds a unified usage and the details it points to.
type usageAlloc struct {
	usage     providers.Usage
	cached    providers.PromptTokensDetails
	reasoning providers.CompletionTokensDetails
}

// responseID returns Gemini's responseId, or a stable id derived from the
// body when there is none.
func responseID(id string, body []byte) string {
	if id != "" {
		return id
	}
	sum := sha256.Sum256(body)
	return "chatcmpl-" + hex.EncodeToString(sum[:12])
}

// candidateIndex is the candidate's index field, or its position.
func candidateIndex(c candidate, position int) int {
	if c.Index != nil && *c.Index >= 0 {
		return *c.Index
	}
	return position
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
