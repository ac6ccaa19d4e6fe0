package anthropic

import (
	"bytes"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// outputFormat translates Anthropic structured outputs (output_config.format,
// or output_format from the beta that introduced them) into OpenAI's
// response_format json_schema, which the OpenAI provider sends as is and the
// Google provider turns into responseSchema / responseJsonSchema. strict is
// not set: OpenAI's strict mode refuses schemas Anthropic accepts.
func outputFormat(cfg *inOutputConfig, beta *inOutputFormat) (*providers.ResponseFormat, error) {
	f, field := beta, "output_format"
	if cfg != nil && cfg.Format != nil {
		f, field = cfg.Format, "output_config.format"
	}
	if f == nil {
		return nil, nil
	}
	if f.Type != "json_schema" {
		return nil, invalid(field+".type", "%s.type: must be \"json_schema\", got %q", field, f.Type)
	}
	schema := bytes.TrimSpace(f.Schema)
	if len(schema) == 0 || schema[0] != '{' {
		return nil, invalid(field+".schema", "%s.schema: must be a JSON Schema object", field)
	}
	spec := make([]byte, 0, len(schema)+32)
	spec = append(spec, `{"name":"output","schema":`...)
	spec = append(spec, schema...)
	spec = append(spec, '}')
	return &providers.ResponseFormat{Type: "json_schema", JSONSchema: spec}, nil
}
