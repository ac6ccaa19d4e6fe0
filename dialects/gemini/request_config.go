package gemini

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/sira-ai/caddy-ai-backends/dialects"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// addTools translates functionDeclarations; a Google-hosted tool
// (googleSearch, codeExecution, urlContext, …) is untranslatable.
func addTools(req *providers.ChatRequest, tools []json.RawMessage) *providers.Error {
	for i, raw := range tools {
		at := "tools." + strconv.Itoa(i)
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(raw, &fields); err != nil {
			return dialects.Invalid(at, "a tool must be a JSON object")
		}
		for name, v := range fields {
			if name != "functionDeclarations" {
				req.Untranslatable = append(req.Untranslatable, at+"."+name)
				continue
			}
			var decls []inFunctionDeclaration
			if err := json.Unmarshal(v, &decls); err != nil {
				return dialects.Invalid(at+".functionDeclarations", "functionDeclarations must be an array of declarations")
			}
			for j := range decls {
				d := &decls[j]
				if d.Name == "" {
					return dialects.Invalid(at+".functionDeclarations."+strconv.Itoa(j)+".name", "a function declaration needs a name")
				}
				params := d.ParametersJSONSchema
				if len(params) == 0 && len(d.Parameters) > 0 {
					params = jsonSchemaOf(d.Parameters)
				}
				if len(params) == 0 {
					params = json.RawMessage(`{"type":"object","properties":{}}`)
				}
				req.Tools = append(req.Tools, providers.Tool{Type: "function",
					Function: providers.FunctionDef{Name: d.Name, Description: d.Description, Parameters: params}})
			}
		}
	}
	return nil
}

// addToolConfig: AUTO → auto, NONE → none, ANY → required, or the one
// function when allowedFunctionNames names exactly one. ANY with several
// allowed names keeps only those declarations, as Gemini does.
func addToolConfig(req *providers.ChatRequest, tc *inToolConfig) *providers.Error {
	if tc == nil || tc.FunctionCallingConfig == nil {
		return nil
	}
	fc := tc.FunctionCallingConfig
	switch fc.Mode {
	case "", "MODE_UNSPECIFIED", "AUTO":
		req.ToolChoice = &providers.ToolChoice{Mode: "auto"}
	case "NONE":
		req.ToolChoice = &providers.ToolChoice{Mode: "none"}
	case "ANY", "VALIDATED":
		req.ToolChoice = &providers.ToolChoice{Mode: "required"}
		if len(fc.AllowedFunctionNames) == 1 {
			req.ToolChoice = &providers.ToolChoice{Function: fc.AllowedFunctionNames[0]}
		}
		if len(fc.AllowedFunctionNames) > 0 {
			allowed := map[string]bool{}
			for _, n := range fc.AllowedFunctionNames {
				allowed[n] = true
			}
			kept := req.Tools[:0]
			for _, t := range req.Tools {
				if allowed[t.Function.Name] {
					kept = append(kept, t)
				}
			}
			if len(kept) == 0 {
				return dialects.Invalid("toolConfig.functionCallingConfig.allowedFunctionNames",
					"allowedFunctionNames names no declared function")
			}
			req.Tools = kept
		}
	default:
		return dialects.Invalid("toolConfig.functionCallingConfig.mode", "mode %q is not one of AUTO, ANY, NONE", fc.Mode)
	}
	return nil
}

func addGenerationConfig(req *providers.ChatRequest, g *inGenConfig) *providers.Error {
	if g == nil {
		return nil
	}
	req.Temperature, req.TopP, req.TopK = g.Temperature, g.TopP, g.TopK
	req.MaxTokens, req.Seed = g.MaxOutputTokens, g.Seed
	req.PresencePenalty, req.FrequencyPenalty = g.PresencePenalty, g.FrequencyPenalty
	if len(g.StopSequences) > 0 {
		req.Stop = g.StopSequences
	}
	if g.CandidateCount != nil {
		if *g.CandidateCount < 1 {
			return dialects.Invalid("generationConfig.candidateCount", "candidateCount must be at least 1")
		}
		req.N = g.CandidateCount
	}
	for _, m := range g.ResponseModalities {
		if m != "TEXT" {
			req.Untranslatable = append(req.Untranslatable, "generationConfig.responseModalities ("+m+")")
		}
	}
	if len(g.SpeechConfig) > 0 {
		req.Untranslatable = append(req.Untranslatable, "generationConfig.speechConfig")
	}
	if g.ResponseLogprobs {
		req.Untranslatable = append(req.Untranslatable, "generationConfig.responseLogprobs")
	}
	if tc := g.ThinkingConfig; tc != nil {
		// thinkingLevel names an effort; thinkingBudget is a budget in
		// tokens (0 off, -1 the model's own choice: no setting).
		switch {
		case tc.ThinkingLevel != "":
			level := strings.ToLower(tc.ThinkingLevel)
			if !providers.KnownEffort(level) {
				return dialects.Invalid("generationConfig.thinkingConfig.thinkingLevel",
					"thinkingLevel %q is not one of MINIMAL, LOW, MEDIUM, HIGH", tc.ThinkingLevel)
			}
			req.ReasoningEffort = level
		case tc.ThinkingBudget != nil && *tc.ThinkingBudget >= 0:
			req.ReasoningEffort = providers.EffortForBudget(*tc.ThinkingBudget)
		}
	}
	switch g.ResponseMimeType {
	case "", "text/plain":
	case "application/json":
		schema := g.ResponseJSONSchema
		if len(schema) == 0 && len(g.ResponseSchema) > 0 {
			schema = jsonSchemaOf(g.ResponseSchema)
		}
		if len(schema) == 0 {
			req.ResponseFormat = &providers.ResponseFormat{Type: "json_object"}
			break
		}
		js, _ := json.Marshal(struct {
			Name   string          `json:"name"`
			Schema json.RawMessage `json:"schema"`
		}{"response", schema})
		req.ResponseFormat = &providers.ResponseFormat{Type: "json_schema", JSONSchema: js}
	default:
		req.Untranslatable = append(req.Untranslatable, "generationConfig.responseMimeType ("+g.ResponseMimeType+")")
	}
	return nil
}

// jsonSchemaOf turns Gemini's OpenAPI-subset Schema into JSON Schema: type
// names lower-cased ("OBJECT" → "object"), nullable → a "null" type,
// propertyOrdering dropped. A schema that is not an object is returned as
// it came, for the upstream to judge.
func jsonSchemaOf(raw json.RawMessage) json.RawMessage {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return raw
	}
	out, err := json.Marshal(convertSchema(v))
	if err != nil {
		return raw
	}
	return out
}

func convertSchema(v any) any {
	switch s := v.(type) {
	case map[string]any:
		for k, sub := range s {
			switch k {
			case "properties", "$defs", "definitions":
				if m, ok := sub.(map[string]any); ok {
					for name, p := range m {
						m[name] = convertSchema(p)
					}
				}
			case "items", "anyOf", "oneOf", "allOf", "not", "additionalProperties":
				s[k] = convertSchema(sub)
			}
		}
		delete(s, "propertyOrdering")
		if t, ok := s["type"].(string); ok {
			s["type"] = string(bytes.ToLower([]byte(t)))
			if n, _ := s["nullable"].(bool); n {
				s["type"] = []any{s["type"], "null"}
			}
		}
		delete(s, "nullable")
		return s
	case []any:
		for i := range s {
			s[i] = convertSchema(s[i])
		}
		return s
	}
	return v
}
