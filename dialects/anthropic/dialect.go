// Package anthropic is the Anthropic Messages client dialect (POST
// /v1/messages): the error envelope, the answer and stream writers and the
// request-id header the official Anthropic SDKs read, and the translation
// between Messages and the unified types:
//
//	ParseMessagesRequest    Messages request   → unified request    (request*.go)
//	EncodeMessagesResponse  unified completion → Messages response  (response.go)
//	StreamEncoder           unified chunks     → Messages events    (stream*.go)
//
// Reasoning from any provider is shown as thinking blocks to clients that
// enabled thinking; blocks from providers other than Anthropic carry the
// gateway's mark as their signature, read back on the next turn
// (thinking_signature.go, request_thinking_blocks.go). Relayed Anthropic
// streams are written as they came, save what the security filter changed
// (relay*.go).
//
// The Messages wire types it shares with the provider are in
// providers/anthropic.
package anthropic

import (
	"net/http"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// Dialect is Anthropic's Messages dialect.
var Dialect dialect

type dialect struct{}

func (dialect) Name() string { return "anthropic" }

// ErrorBody is {"type":"error","error":{"type","message"}}.
func (dialect) ErrorBody(e *providers.Error) []byte { return e.AnthropicBody() }

// SetRequestID sets request-id, which the Anthropic SDKs expose, and
// X-Request-Id as on every gateway answer.
func (dialect) SetRequestID(h http.Header, v []string) {
	h["X-Request-Id"] = v
	h["Request-Id"] = v
}
