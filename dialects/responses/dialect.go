package responses

import (
	"net/http"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// Dialect is the Responses API's client dialect.
var Dialect dialect

type dialect struct{}

func (dialect) Name() string { return "openai_responses" }

// ErrorBody is OpenAI's error envelope, which the Responses API shares.
func (dialect) ErrorBody(e *providers.Error) []byte { return EncodeError(e) }

// SetRequestID sets X-Request-Id, which the OpenAI SDKs expose.
func (dialect) SetRequestID(h http.Header, v []string) { h["X-Request-Id"] = v }
