package anthropic

import (
	"net/http"

	"github.com/sira-ai/caddy-ai-backends/dialects"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// DecodeChat translates a Messages body into the unified request; the body
// and the client's anthropic-beta values stay in req.Original, so an
// Anthropic upstream gets them with the least change.
func DecodeChat(body []byte, r *http.Request) (*providers.ChatRequest, dialects.ChatWriter, *providers.Error) {
	req, relay, err := parseRequest(body, true)
	if err != nil {
		return nil, nil, providers.Classify(err)
	}
	req.Original = providers.Original{Format: providers.FormatAnthropicMessages, Body: relay,
		Beta: r.Header.Values("anthropic-beta")}
	return req, ChatWriter{}, nil
}

// DecodeCountTokens is DecodeChat for POST /v1/messages/count_tokens: the
// same body less max_tokens.
func DecodeCountTokens(body []byte, r *http.Request) (*providers.ChatRequest, *providers.Error) {
	req, relay, err := parseRequest(body, false)
	if err != nil {
		return nil, providers.Classify(err)
	}
	req.Original = providers.Original{Format: providers.FormatAnthropicMessages, Body: relay,
		Beta: r.Header.Values("anthropic-beta")}
	return req, nil
}
