package dialects

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// ChatDecoder turns a client's chat request body (already checked for
// size, UTF-8 and nesting) into the unified request, with the client's
// original body in req.Original, and the writer for its answer.
type ChatDecoder func(body []byte, r *http.Request) (*providers.ChatRequest, ChatWriter, *providers.Error)

// DecodeJSON decodes body into v, turning decoder errors into a 400 that
// says what is wrong and where.
func DecodeJSON(body []byte, v any) *providers.Error {
	err := json.Unmarshal(body, v)
	if err == nil {
		return nil
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return Invalid("", "the request body is not valid JSON: %v (at byte %d)", syn, syn.Offset)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return Invalid("", "the request body must be a JSON object")
		}
		return Invalid(field, "invalid type for '%s': expected %s, got %s", field, typ.Type, typ.Value)
	}
	return Invalid("", "invalid request body: %v", err)
}

// Invalid builds a 400 for a client mistake in param.
func Invalid(param, format string, args ...any) *providers.Error {
	e := providers.Errorf(providers.KindInvalidRequest, format, args...)
	e.Param = param
	e.Code = "invalid_request"
	return e
}
