package anthropic

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// Options say how to build one upstream request.
type Options struct {
	// Model is the upstream model name (providers.Target.Model).
	Model string
	// DefaultMaxTokens is max_tokens when the client set no limit;
	// 0 means the per-model table (DefaultMaxTokens).
	DefaultMaxTokens int
	// Stream asks for server-sent events.
	Stream bool
	// Budgets are the provider's reasoning_budgets (nil: the defaults).
	Budgets providers.ReasoningBudgets
}

// ToAnthropic translates a unified (OpenAI-shaped) chat request into a
// Messages API body. It is pure: the same input gives the same bytes. A
// request Anthropic cannot express is an *providers.Error of kind
// InvalidRequest or Unsupported naming the field.
func ToAnthropic(req *providers.ChatRequest, o Options) ([]byte, error) {
	w, err := buildRequest(req, o)
	if err != nil {
		return nil, err
	}
	if body, ok := encodeRequest(w); ok {
		return body, nil
	}
	return Marshal(w) // a value encoding/json rejects: keep its error
}

func buildRequest(req *providers.ChatRequest, o Options) (*wireRequest, error) {
	if req == nil {
		return nil, providers.Errorf(providers.KindInvalidRequest, "empty request")
	}
	if req.N != nil && *req.N > 1 {
		return nil, &providers.Error{Kind: providers.KindUnsupported, Param: "n", Code: "unsupported_parameter",
			Message: "n > 1 is not supported by provider type anthropic"}
	}
	system, turns, err := convertMessages(req.Messages)
	if err != nil {
		return nil, err
	}
	if len(turns) == 0 {
		return nil, invalid("messages", "messages: at least one user, assistant or tool message is required")
	}
	if req.ResponseFormat.WantsJSON() {
		system = append(system, Block{Type: "text", Text: req.ResponseFormat.Instruction()})
	}
	w := &wireRequest{
		Model:         o.Model,
		MaxTokens:     maxTokens(req, o),
		System:        system,
		Messages:      turns,
		StopSequences: stopSequences(req.Stop),
		Stream:        o.Stream,
		Temperature:   clampTemperature(req.Temperature),
		TopK:          req.TopK,
		TopP:          req.TopP,
	}
	if req.User != "" {
		w.Metadata = &Metadata{UserID: req.User}
	}
	w.Tools = convertTools(req.Tools)
	if len(w.Tools) > 0 { // tool_choice without tools is an error upstream
		w.ToolChoice, err = convertToolChoice(req.ToolChoice, req.ParallelToolCalls)
		if err != nil {
			return nil, err
		}
	}
	if err := applyThinking(w, req, o); err != nil {
		return nil, err
	}
	return w, nil
}

// maxTokens prefers the client's limit (max_completion_tokens, then
// max_tokens), then the provider's configured default, then the model table.
func maxTokens(req *providers.ChatRequest, o Options) int {
	if n := req.OutputLimit(); n > 0 {
		return n
	}
	if o.DefaultMaxTokens > 0 {
		return o.DefaultMaxTokens
	}
	return DefaultMaxTokens(o.Model)
}

// clampTemperature maps OpenAI's 0..2 range into Anthropic's 0..1: a value
// above 1 is sent as 1 rather than failing the request upstream.
func clampTemperature(t *float64) *float64 {
	if t == nil {
		return nil
	}
	v := min(max(*t, 0), 1)
	return &v
}

// stopSequences drops blank entries, which Anthropic rejects. The usual
// list has none and is used as is (it is only read).
func stopSequences(stop providers.StringList) []string {
	blank := 0
	for _, s := range stop {
		if strings.TrimSpace(s) == "" {
			blank++
		}
	}
	if blank == 0 {
		return stop
	}
	var out []string
	for _, s := range stop {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

// emptyObjectSchema is input_schema for a function declared without parameters.
var emptyObjectSchema = json.RawMessage(`{"type":"object","properties":{}}`)

func convertTools(tools []providers.Tool) []Tool {
	if len(tools) == 0 {
		return nil
	}
	out := make([]Tool, 0, len(tools))
	for _, t := range tools {
		if t.Type != "" && t.Type != "function" {
			continue // OpenAI's non-function tools have no Anthropic counterpart
		}
		schema := t.Function.Parameters
		if s := bytes.TrimSpace(schema); len(s) == 0 || string(s) == "null" || string(s) == "{}" {
			schema = emptyObjectSchema
		}
		out = append(out, Tool{Name: t.Function.Name, Description: t.Function.Description, InputSchema: schema})
	}
	return out
}

// convertToolChoice maps OpenAI's tool_choice and parallel_tool_calls.
// parallel_tool_calls=false becomes disable_parallel_tool_use, which lives on
// the tool_choice object (auto when the client named no choice).
func convertToolChoice(tc *providers.ToolChoice, parallel *bool) (*ToolChoice, error) {
	var out ToolChoice
	switch {
	case tc == nil:
		if parallel == nil || *parallel {
			return nil, nil
		}
		out.Type = "auto"
	case tc.Function != "":
		out = ToolChoice{Type: "tool", Name: tc.Function}
	case tc.Mode == "auto":
		out.Type = "auto"
	case tc.Mode == "required":
		out.Type = "any"
	case tc.Mode == "none":
		return &ToolChoice{Type: "none"}, nil
	default:
		return nil, invalid("tool_choice", "tool_choice: unsupported value %q", tc.Mode)
	}
	out.DisableParallelToolUse = parallel != nil && !*parallel
	return &out, nil
}

// invalid builds a client error naming the offending field.
func invalid(param, format string, args ...any) *providers.Error {
	e := providers.Errorf(providers.KindInvalidRequest, format, args...)
	e.Param = param
	return e
}
