package openai

import (
	"net/http"

	"github.com/sira-ai/caddy-ai-backends/dialects"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// DecodeChat decodes a Chat Completions body, through the fast decoder when
// the request has the usual shape. The body is kept for pass-through.
func DecodeChat(body []byte, _ *http.Request) (*providers.ChatRequest, dialects.ChatWriter, *providers.Error) {
	req := new(providers.ChatRequest)
	if !providers.DecodeChatRequest(body, req) {
		*req = providers.ChatRequest{} // what the fast decoder set before it gave up
		if e := dialects.DecodeJSON(body, req); e != nil {
			return nil, nil, e
		}
	}
	req.Original = providers.OpenAIOriginal(body)
	return req, ChatWriter{}, nil
}
