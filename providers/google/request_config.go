package google

import (
	"encoding/json"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// toolsFor translates tools and tool_choice. All functions go in one Tool's
// functionDeclarations. tool_choice maps to functionCallingConfig.mode:
// auto → AUTO, none → NONE, required → ANY, a named function → ANY with
// allowedFunctionNames [name]. parallel_tool_calls has no Gemini equivalent
// and is ignored.
func toolsFor(req *providers.ChatRequest) ([]tool, *toolConfig, error) {
	if len(req.Tools) == 0 {
		return nil, nil, nil
	}
	decls := make([]functionDeclaration, 0, len(req.Tools))
	for i, t := range req.Tools {
		if t.Type != "function" && t.Type != "" {
			return nil, nil, invalid("tools[%d]: tool type %q is not supported by Gemini", i, t.Type)
		}
		if t.Function.Name == "" {
			return nil, nil, invalid("tools[%d].function.name is required", i)
		}
		subset, full, err := schemaForms(t.Function.Parameters, false)
		if err != nil {
			return nil, nil, invalid("tools[%d].function.parameters: %s", i, err.Error())
		}
		decls = append(decls, functionDeclaration{
			Name:                 t.Function.Name,
			Description:          t.Function.Description,
			Parameters:           subset,
			ParametersJSONSchema: full,
		})
	}
	tools := []tool{{FunctionDeclarations: decls}}
	if req.ToolChoice == nil {
		return tools, nil, nil
	}
	cfg := functionCallingConfig{}
	switch {
	case req.ToolChoice.Function != "":
		cfg.Mode = "ANY"
		cfg.AllowedFunctionNames = []string{req.ToolChoice.Function}
	case req.ToolChoice.Mode == "auto":
		cfg.Mode = "AUTO"
	case req.ToolChoice.Mode == "none":
		cfg.Mode = "NONE"
	case req.ToolChoice.Mode == "required":
		cfg.Mode = "ANY"
	default:
		return nil, nil, invalid("tool_choice %q is not one of auto, none, required", req.ToolChoice.Mode)
	}
	return tools, &toolConfig{FunctionCallingConfig: cfg}, nil
}

// generationConfigFor maps sampling options; nil when none is set.
//
// max_completion_tokens (else max_tokens) → maxOutputTokens, n →
// candidateCount, stop → stopSequences, seed → seed (int32: larger seeds are
// truncated, deterministically). response_format json_object →
// responseMimeType application/json; json_schema adds its schema as
// responseSchema or responseJsonSchema (see schema.go).
func generationConfigFor(req *providers.ChatRequest) (*generationConfig, error) {
	g := &generationConfig{
		Temperature:      req.Temperature,
		TopP:             req.TopP,
		TopK:             req.TopK,
		CandidateCount:   req.N,
		PresencePenalty:  req.PresencePenalty,
		FrequencyPenalty: req.FrequencyPenalty,
	}
	if len(req.Stop) > 0 {
		g.StopSequences = req.Stop
	}
	if limit := req.OutputLimit(); limit > 0 {
		g.MaxOutputTokens = &limit
	}
	if req.Seed != nil {
		s := clampSeed(*req.Seed)
		g.Seed = &s
	}
	if err := responseFormat(req.ResponseFormat, g); err != nil {
		return nil, err
	}
	if isZeroConfig(g) {
		return nil, nil
	}
	return g, nil
}

func responseFormat(rf *providers.ResponseFormat, g *generationConfig) error {
	if rf == nil {
		return nil
	}
	switch rf.Type {
	case "", "text":
		return nil
	case "json_object":
		g.ResponseMimeType = "application/json"
		return nil
	case "json_schema":
		g.ResponseMimeType = "application/json"
		var spec struct {
			Schema json.RawMessage `json:"schema"`
		}
		if len(rf.JSONSchema) > 0 {
			if err := json.Unmarshal(rf.JSONSchema, &spec); err != nil {
				return invalid("response_format.json_schema must be an object")
			}
		}
		subset, full, err := schemaForms(spec.Schema, true)
		if err != nil {
			return invalid("response_format.json_schema.schema: %s", err.Error())
		}
		g.ResponseSchema, g.ResponseJSONSchema = subset, full
		return nil
	}
	return invalid("response_format.type %q is not supported", rf.Type)
}

func isZeroConfig(g *generationConfig) bool {
	return g.Temperature == nil && g.TopP == nil && g.TopK == nil && g.CandidateCount == nil &&
		g.PresencePenalty == nil && g.FrequencyPenalty == nil && g.StopSequences == nil &&
		g.MaxOutputTokens == nil && g.Seed == nil && g.ResponseMimeType == ""
}
