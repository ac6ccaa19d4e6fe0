package responses

import (
	"encoding/json"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// Request is a decoded POST /v1/responses body: what the gateway needs to
// translate it, to echo it in the Response object and to store it.
type Request struct {
	Model string
	// Input holds the input items in order; a string input is one user
	// message item (InputString is then true).
	Input       []Item
	InputString bool
	// Instructions become a leading system message. They are not carried
	// over by previous_response_id (as at OpenAI).
	Instructions *string

	// Tools are the function tools; ToolsRaw is the tools array as sent, for
	// the echo (nil when absent).
	Tools      []FunctionTool
	ToolsRaw   json.RawMessage
	ToolChoice *providers.ToolChoice

	ParallelToolCalls *bool
	MaxOutputTokens   *int
	Temperature       *float64
	TopP              *float64
	Text              *TextConfig
	Reasoning         *ReasoningConfig

	// Store is true unless the client sent store: false.
	Store              bool
	PreviousResponseID string
	Metadata           map[string]string
	User               string
	SafetyIdentifier   string
	Include            []string
	Truncation         string // "auto" or "disabled" ("" when not sent)
	Stream             bool
	Background         bool

	// OpenAIOnly is the first feature of the request that only an OpenAI
	// upstream can serve, or nil. The pipeline refuses the request with
	// OpenAIOnly.Error() when the chosen upstream is not OpenAI.
	OpenAIOnly *Feature
}

// Feature names a request feature and where it sits in the body.
type Feature struct {
	Name  string // e.g. "web_search_preview tool", "background"
	Param string // JSON path, e.g. "tools[1]"
}

// Error is the 400 for sending the feature to an upstream that is not OpenAI.
func (f *Feature) Error(providerType string) *providers.Error {
	return &providers.Error{Kind: providers.KindInvalidRequest, Param: f.Param, Code: codeOpenAIOnly,
		Message: f.Name + " is only available when the request is served by an OpenAI upstream; this model is served by a " +
			providerType + " provider."}
}

// FunctionTool is a Responses function tool (flat: no "function" wrapper).
type FunctionTool struct {
	Name        string
	Description string
	Parameters  json.RawMessage
	Strict      *bool // as sent; OpenAI's default when absent is true
}

// TextConfig is the text setting: the output format and verbosity.
type TextConfig struct {
	Format    string // text, json_object, json_schema ("" when not sent)
	Name      string
	Schema    json.RawMessage
	Strict    *bool
	Desc      string
	Verbosity string
}

// ReasoningConfig is the reasoning setting.
type ReasoningConfig struct {
	Effort  string
	Summary string
}

// IgnoredFields are top-level fields accepted and not acted on, because they
// change nothing a client can rely on when the answer comes from another
// provider (caching hints, service tier, obfuscation padding, a limit on
// hosted-tool calls). They still reach an OpenAI upstream on pass-through.
var IgnoredFields = []string{
	"max_tool_calls", "prompt_cache_key", "prompt_cache_retention", "prompt_cache_options",
	"service_tier", "stream_options", "top_logprobs",
}

// openAIOnlyFields are top-level fields only OpenAI's server-side state or
// hosted features can honour; any non-null value records an OpenAIOnly feature.
var openAIOnlyFields = map[string]string{
	"conversation":       "conversation",
	"prompt":             "prompt templates (prompt)",
	"context_management": "context_management",
}

// MaxBodyDepth bounds JSON nesting, so a hostile body cannot make the
// decoder recurse without end.
const maxDepth = 128

// Decode parses a Responses create body. Errors are *providers.Error of
// KindInvalidRequest whose Param is the JSON path of the offending value.
// The Request's raw values (Item.Raw, ToolsRaw, tool parameters, the
// schema) alias body: keep body unchanged while the Request is in use;
// what the store keeps is copied.
func Decode(body []byte) (*Request, error) {
	if err := checkDepth(body); err != nil {
		return nil, err
	}
	r := &Request{Store: true}
	err := eachMember(body, "", func(key string, v json.RawMessage) error {
		return r.field(key, v)
	})
	if err != nil {
		return nil, err
	}
	if r.Model == "" {
		return nil, invalid("model", codeMissingParameter, "Missing required parameter: 'model'.")
	}
	if r.Input == nil && r.PreviousResponseID == "" && !r.InputString {
		// OpenAI accepts a request without input only when something else
		// (prompt, conversation) supplies the conversation.
		if r.OpenAIOnly == nil {
			return nil, invalid("input", codeMissingParameter, "Missing required parameter: 'input'.")
		}
	}
	return r, nil
}

// field decodes one top-level member.
func (r *Request) field(key string, v json.RawMessage) error {
	if isNull(v) {
		return nil // OpenAI treats an explicit null as absent
	}
	switch key {
	case "model":
		return decodeString(v, key, &r.Model)
	case "input":
		return r.decodeInput(v)
	case "instructions":
		var s string
		if err := decodeString(v, key, &s); err != nil {
			return err
		}
		r.Instructions = &s
	case "tools":
		return r.decodeTools(v)
	case "tool_choice":
		return r.decodeToolChoice(v)
	case "parallel_tool_calls":
		return decodeBoolPtr(v, key, &r.ParallelToolCalls)
	case "max_output_tokens":
		n, err := decodeInt(v, key)
		if err != nil {
			return err
		}
		if n < 16 {
			return invalid(key, "integer_below_min_value",
				"Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got %d instead.", n)
		}
		r.MaxOutputTokens = &n
	case "temperature":
		return decodeRange(v, key, 0, 2, &r.Temperature)
	case "top_p":
		return decodeRange(v, key, 0, 1, &r.TopP)
	case "text":
		return r.decodeText(v)
	case "reasoning":
		return r.decodeReasoning(v)
	case "store":
		return decodeBoolTo(v, key, &r.Store)
	case "previous_response_id":
		return decodeString(v, key, &r.PreviousResponseID)
	case "metadata":
		return r.decodeMetadata(v)
	case "user":
		return decodeString(v, key, &r.User)
	case "safety_identifier":
		return decodeString(v, key, &r.SafetyIdentifier)
	case "include":
		if err := json.Unmarshal(v, &r.Include); err != nil {
			return wrongType(key, "an array of strings")
		}
	case "truncation":
		if err := decodeString(v, key, &r.Truncation); err != nil {
			return err
		}
		if r.Truncation != "auto" && r.Truncation != "disabled" {
			return invalid(key, codeInvalidValue, "Invalid value: '%s'. Supported values are: 'auto' and 'disabled'.", r.Truncation)
		}
	case "stream":
		return decodeBoolTo(v, key, &r.Stream)
	case "background":
		if err := decodeBoolTo(v, key, &r.Background); err != nil {
			return err
		}
		if r.Background {
			r.openAIOnly("background mode", key)
		}
	default:
		if name, ok := openAIOnlyFields[key]; ok {
			r.openAIOnly(name, key)
			return nil
		}
		for _, f := range IgnoredFields {
			if f == key {
				return nil
			}
		}
		return invalid(key, codeUnknownParameter, "Unknown parameter: '%s'.", key)
	}
	return nil
}

// openAIOnly records the first OpenAI-only feature.
func (r *Request) openAIOnly(name, param string) {
	if r.OpenAIOnly == nil {
		r.OpenAIOnly = &Feature{Name: name, Param: param}
	}
}

func (r *Request) decodeMetadata(v json.RawMessage) error {
	m := map[string]string{}
	if err := json.Unmarshal(v, &m); err != nil {
		return wrongType("metadata", "an object of string values")
	}
	if len(m) > 16 {
		return invalid("metadata", codeInvalidValue, "Invalid 'metadata': too many properties. Expected an object with at most 16 properties, but got %d instead.", len(m))
	}
	r.Metadata = m
	return nil
}

func (r *Request) decodeReasoning(v json.RawMessage) error {
	c := &ReasoningConfig{}
	err := eachMember(v, "reasoning", func(key string, v json.RawMessage) error {
		if isNull(v) {
			return nil
		}
		switch key {
		case "effort":
			return decodeString(v, "reasoning.effort", &c.Effort)
		case "summary", "generate_summary":
			return decodeString(v, "reasoning."+key, &c.Summary)
		}
		return invalid("reasoning."+key, codeUnknownParameter, "Unknown parameter: 'reasoning.%s'.", key)
	})
	if err != nil {
		return err
	}
	switch c.Effort {
	case "", "none", "minimal", "low", "medium", "high", "xhigh":
	default:
		return invalid("reasoning.effort", codeInvalidValue, "Invalid value: '%s'. Supported values are: 'none', 'minimal', 'low', 'medium', 'high' and 'xhigh'.", c.Effort)
	}
	r.Reasoning = c
	return nil
}
