package anthropic

import "github.com/sira-ai/caddy-ai-backends/providers"

// invalid builds a client error naming the offending field, as the
// Messages API does (no OpenAI-style code).
func invalid(param, format string, args ...any) *providers.Error {
	e := providers.Errorf(providers.KindInvalidRequest, format, args...)
	e.Param = param
	return e
}
