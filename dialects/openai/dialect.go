// Package openai is the OpenAI Chat Completions client dialect: the error
// envelope, the answer and stream writers and the request-id header the
// official OpenAI SDKs read. Requests are decoded by providers.DecodeChatRequest
// (the unified request is OpenAI-shaped).
package openai

import (
	"net/http"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// Dialect is OpenAI's chat dialect. It is also the dialect of the
// gateway's other OpenAI endpoints (embeddings, images, models).
var Dialect dialect

type dialect struct{}

func (dialect) Name() string { return "openai" }

// ErrorBody is OpenAI's {"error":{"message","type","param","code"}}.
func (dialect) ErrorBody(e *providers.Error) []byte { return e.OpenAIBody() }

// SetRequestID sets X-Request-Id, which the SDKs expose as the request id.
func (dialect) SetRequestID(h http.Header, v []string) { h["X-Request-Id"] = v }
