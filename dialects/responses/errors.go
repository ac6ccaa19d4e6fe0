package responses

import (
	"fmt"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// EncodeError renders e as the Responses API's error body, which is OpenAI's
// envelope {"error":{"message","type","param","code"}}: the same bytes the
// chat endpoint sends, so one rendering serves both.
func EncodeError(e *providers.Error) []byte {
	if e == nil {
		e = &providers.Error{Kind: providers.KindInternal, Message: "internal error"}
	}
	return e.OpenAIBody()
}

// OpenAI's codes for a bad request parameter.
const (
	codeUnknownParameter = "unknown_parameter"
	codeMissingParameter = "missing_required_parameter"
	codeInvalidType      = "invalid_type"
	codeInvalidValue     = "invalid_value"
	codeOpenAIOnly       = "unsupported_on_provider"
)

// invalid is a 400 naming the JSON path of the offending value.
func invalid(param, code, format string, args ...any) *providers.Error {
	return &providers.Error{Kind: providers.KindInvalidRequest, Param: param, Code: code,
		Message: fmt.Sprintf(format, args...)}
}

// wrongType is a 400 for a value of the wrong JSON type.
func wrongType(param, want string) *providers.Error {
	return invalid(param, codeInvalidType, "Invalid type for '%s': expected %s.", param, want)
}
