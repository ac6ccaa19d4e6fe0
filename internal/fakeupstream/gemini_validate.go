package fakeupstream

import (
	"fmt"
	"strings"
)

// validateGenerate checks a generateContent body the way Google's frontend
// does for the mistakes a translator can make, returning Google's message,
// or "" when the body is acceptable.
func validateGenerate(req map[string]any) string {
	if msg := unknownField(req, "", "contents", "systemInstruction", "tools", "toolConfig", "safetySettings", "generationConfig", "cachedContent"); msg != "" {
		return msg
	}
	contents, _ := req["contents"].([]any)
	if len(contents) == 0 {
		return "* GenerateContentRequest.contents: contents is not specified"
	}
	for i, c := range contents {
		cm, _ := c.(map[string]any)
		if role, _ := cm["role"].(string); role != "user" && role != "model" {
			return "Please use a valid role: user, model."
		}
		if msg := validateParts(cm["parts"], fmt.Sprintf("contents[%d]", i)); msg != "" {
			return msg
		}
	}
	if si, ok := req["systemInstruction"].(map[string]any); ok {
		if msg := validateParts(si["parts"], "system_instruction"); msg != "" {
			return msg
		}
	}
	tools, _ := req["tools"].([]any)
	for i, t := range tools {
		tm, _ := t.(map[string]any)
		decls, _ := tm["functionDeclarations"].([]any)
		for j, d := range decls {
			dm, _ := d.(map[string]any)
			where := fmt.Sprintf("tools[%d].function_declarations[%d]", i, j)
			if msg := unknownField(dm, where, "name", "description", "parameters", "parametersJsonSchema", "response", "responseJsonSchema", "behavior"); msg != "" {
				return msg
			}
			if name, _ := dm["name"].(string); name == "" {
				return "* GenerateContentRequest." + where + ".name: Invalid function name."
			}
			if dm["parameters"] != nil && dm["parametersJsonSchema"] != nil {
				return "* GenerateContentRequest." + where + ": parameters and parameters_json_schema are mutually exclusive"
			}
			if msg := validateSchema(dm["parameters"], where+".parameters"); msg != "" {
				return msg
			}
		}
	}
	if tc, ok := req["toolConfig"].(map[string]any); ok {
		fc, _ := tc["functionCallingConfig"].(map[string]any)
		switch mode, _ := fc["mode"].(string); mode {
		case "AUTO", "NONE", "ANY", "VALIDATED":
			if fc["allowedFunctionNames"] != nil && mode != "ANY" && mode != "VALIDATED" {
				return "* GenerateContentRequest.tool_config.function_calling_config.allowed_function_names: only allowed with mode ANY"
			}
		default:
			return fmt.Sprintf("Invalid value at 'tool_config.function_calling_config.mode' (%v)", fc["mode"])
		}
	}
	if gc, ok := req["generationConfig"].(map[string]any); ok {
		if msg := unknownField(gc, "generation_config", "stopSequences", "responseMimeType", "responseSchema", "responseJsonSchema",
			"candidateCount", "maxOutputTokens", "temperature", "topP", "topK", "seed", "presencePenalty", "frequencyPenalty",
			"responseLogprobs", "logprobs", "thinkingConfig", "responseModalities"); msg != "" {
			return msg
		}
		if gc["responseSchema"] != nil && gc["responseJsonSchema"] != nil {
			return "* GenerateContentRequest.generation_config: response_schema and response_json_schema are mutually exclusive"
		}
		if (gc["responseSchema"] != nil || gc["responseJsonSchema"] != nil) && gc["responseMimeType"] != "application/json" {
			return "* GenerateContentRequest.generation_config.response_mime_type: a response schema needs response_mime_type application/json"
		}
		if msg := validateSchema(gc["responseSchema"], "generation_config.response_schema"); msg != "" {
			return msg
		}
	}
	return ""
}

// validateParts checks a Content's parts: present, each holding one datum.
func validateParts(v any, where string) string {
	parts, _ := v.([]any)
	if len(parts) == 0 {
		return "* GenerateContentRequest." + where + ".parts: contents.parts must not be empty."
	}
	for i, p := range parts {
		pm, _ := p.(map[string]any)
		at := fmt.Sprintf("%s.parts[%d]", where, i)
		if msg := unknownField(pm, at, "text", "thought", "thoughtSignature", "inlineData", "fileData", "functionCall", "functionResponse"); msg != "" {
			return msg
		}
		data := 0
		for _, k := range []string{"text", "inlineData", "fileData", "functionCall", "functionResponse"} {
			if _, ok := pm[k]; ok {
				data++
			}
		}
		if data != 1 {
			return "* GenerateContentRequest." + at + ".data: required oneof field 'data' must have one initialized field"
		}
		if fc, ok := pm["functionCall"].(map[string]any); ok {
			if _, isObj := fc["args"].(map[string]any); fc["args"] != nil && !isObj {
				return "Invalid JSON payload received. Invalid value at '" + at + ".function_call.args' (type.googleapis.com/google.protobuf.Struct)"
			}
		}
		if fr, ok := pm["functionResponse"].(map[string]any); ok {
			if _, isObj := fr["response"].(map[string]any); !isObj {
				return "Invalid JSON payload received. Invalid value at '" + at + ".function_response.response' (type.googleapis.com/google.protobuf.Struct)"
			}
		}
	}
	return ""
}

// validateSchema checks a Schema (the OpenAPI subset) for fields it lacks.
func validateSchema(v any, where string) string {
	s, ok := v.(map[string]any)
	if v == nil {
		return ""
	}
	if !ok {
		return "Invalid JSON payload received. Invalid value at '" + where + "'"
	}
	if msg := unknownField(s, where, "type", "format", "title", "description", "nullable", "enum", "maxItems", "minItems",
		"properties", "required", "minProperties", "maxProperties", "minLength", "maxLength", "pattern", "example",
		"anyOf", "propertyOrdering", "default", "items", "minimum", "maximum"); msg != "" {
		return msg
	}
	if t, _ := s["type"].(string); strings.EqualFold(t, "object") {
		if props, _ := s["properties"].(map[string]any); len(props) == 0 {
			return "* GenerateContentRequest." + where + ".properties: should be non-empty for OBJECT type"
		}
	}
	props, _ := s["properties"].(map[string]any)
	for name, p := range props {
		if msg := validateSchema(p, where+".properties["+name+"].value"); msg != "" {
			return msg
		}
	}
	if msg := validateSchema(s["items"], where+".items"); msg != "" {
		return msg
	}
	alts, _ := s["anyOf"].([]any)
	for i, a := range alts {
		if msg := validateSchema(a, fmt.Sprintf("%s.any_of[%d]", where, i)); msg != "" {
			return msg
		}
	}
	return ""
}

// unknownField returns Google's message for the first key of m not in
// known, or "".
func unknownField(m map[string]any, where string, known ...string) string {
	for k := range m {
		found := false
		for _, n := range known {
			found = found || k == n
		}
		if !found {
			at := ""
			if where != "" {
				at = " at '" + where + "'"
			}
			return fmt.Sprintf("Invalid JSON payload received. Unknown name %q%s: Cannot find field.", k, at)
		}
	}
	return ""
}
