package responses

import (
	"encoding/json"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// decodeTools keeps function tools; any other tool type is hosted by OpenAI
// (web_search*, file_search, code_interpreter, computer_use*,
// image_generation, mcp, local_shell, shell, custom …) and recorded as
// OpenAI-only.
func (r *Request) decodeTools(v json.RawMessage) error {
	r.ToolsRaw = v
	r.Tools = []FunctionTool{}
	return eachElement(v, "tools", func(i int, e json.RawMessage) error {
		path := index("tools", i)
		var w struct {
			Type        *string         `json:"type"`
			Name        *string         `json:"name"`
			Description *string         `json:"description"`
			Parameters  json.RawMessage `json:"parameters"`
			Strict      *bool           `json:"strict"`
		}
		if err := json.Unmarshal(e, &w); err != nil {
			return wrongType(path, "a tool object")
		}
		switch typ := deref(w.Type); typ {
		case "function":
			if deref(w.Name) == "" {
				return invalid(path+".name", codeMissingParameter, "Missing required parameter: '%s.name'.", path)
			}
			if w.Parameters != nil && !isNull(w.Parameters) && w.Parameters[0] != '{' {
				return wrongType(path+".parameters", "an object")
			}
			params := w.Parameters
			if isNull(params) {
				params = nil
			}
			r.Tools = append(r.Tools, FunctionTool{Name: *w.Name, Description: deref(w.Description), Parameters: params, Strict: w.Strict})
		case "":
			return invalid(path+".type", codeMissingParameter, "Missing required parameter: '%s.type'.", path)
		default:
			r.openAIOnly(typ+" tool", path)
		}
		return nil
	})
}

// decodeToolChoice accepts "auto", "none", "required" and
// {"type":"function","name"}; other objects (allowed_tools, a hosted tool,
// mcp, custom) are OpenAI-only.
func (r *Request) decodeToolChoice(v json.RawMessage) error {
	const path = "tool_choice"
	if v[0] == '"' {
		var mode string
		if err := decodeString(v, path, &mode); err != nil {
			return err
		}
		switch mode {
		case "auto", "none", "required":
			r.ToolChoice = &providers.ToolChoice{Mode: mode}
			return nil
		}
		return invalid(path, codeInvalidValue, "Invalid value: '%s'. Supported values are: 'none', 'auto', and 'required'.", mode)
	}
	var w struct {
		Type *string `json:"type"`
		Name *string `json:"name"`
	}
	if err := json.Unmarshal(v, &w); err != nil {
		return wrongType(path, "a string or an object")
	}
	switch typ := deref(w.Type); typ {
	case "function":
		if deref(w.Name) == "" {
			return invalid(path+".name", codeMissingParameter, "Missing required parameter: 'tool_choice.name'.")
		}
		r.ToolChoice = &providers.ToolChoice{Function: *w.Name}
	case "":
		return invalid(path+".type", codeMissingParameter, "Missing required parameter: 'tool_choice.type'.")
	default:
		r.openAIOnly("tool_choice "+typ, path)
	}
	return nil
}

// decodeText parses text: {format: {type, name, schema, strict,
// description}, verbosity}.
func (r *Request) decodeText(v json.RawMessage) error {
	c := &TextConfig{}
	err := eachMember(v, "text", func(key string, v json.RawMessage) error {
		if isNull(v) {
			return nil
		}
		switch key {
		case "verbosity":
			return decodeString(v, "text.verbosity", &c.Verbosity)
		case "format":
			return c.decodeFormat(v)
		}
		return invalid("text."+key, codeUnknownParameter, "Unknown parameter: 'text.%s'.", key)
	})
	if err != nil {
		return err
	}
	r.Text = c
	return nil
}

func (c *TextConfig) decodeFormat(v json.RawMessage) error {
	const path = "text.format"
	var w struct {
		Type        *string         `json:"type"`
		Name        *string         `json:"name"`
		Schema      json.RawMessage `json:"schema"`
		Strict      *bool           `json:"strict"`
		Description *string         `json:"description"`
	}
	if err := json.Unmarshal(v, &w); err != nil {
		return wrongType(path, "an object")
	}
	c.Format = deref(w.Type)
	switch c.Format {
	case "text", "json_object":
	case "json_schema":
		if deref(w.Name) == "" {
			return invalid(path+".name", codeMissingParameter, "Missing required parameter: 'text.format.name'.")
		}
		if w.Schema == nil || w.Schema[0] != '{' {
			return invalid(path+".schema", codeMissingParameter, "Missing required parameter: 'text.format.schema' (an object).")
		}
		c.Name, c.Schema, c.Strict, c.Desc = *w.Name, w.Schema, w.Strict, deref(w.Description)
	case "":
		return invalid(path+".type", codeMissingParameter, "Missing required parameter: 'text.format.type'.")
	default:
		return invalid(path+".type", codeInvalidValue, "Invalid value: '%s'. Supported values are: 'text', 'json_object' and 'json_schema'.", c.Format)
	}
	return nil
}
