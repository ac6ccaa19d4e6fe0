package openai

import (
	"net/http"
	"strings"

	"github.com/sira-ai/caddy-ai-backends/dialects"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// DecodeChat decodes a Chat Completions body, through the fast decoder when
// the request has the usual shape. The body is kept for pass-through.
func DecodeChat(body []byte, r *http.Request) (*providers.ChatRequest, dialects.ChatWriter, *providers.Error) {
	req := new(providers.ChatRequest)
	if !providers.DecodeChatRequest(body, req) {
		*req = providers.ChatRequest{} // what the fast decoder set before it gave up
		if e := dialects.DecodeJSON(body, req); e != nil {
			return nil, nil, e
		}
	}
	req.Original = providers.OpenAIOriginal(body)
	req.IncludeReasoning = r != nil && IncludeReasoning(r.Header)
	return req, ChatWriter{}, nil
}

// IncludeReasoningHeader is the request header with which an OpenAI chat
// client asks for reasoning_content and thinking_blocks in translated
// answers. It is a header, not a body field, because the body is relayed
// as sent to OpenAI, which refuses fields it does not know.
const IncludeReasoningHeader = "X-Include-Reasoning"

// IncludeReasoning reports whether h asks for reasoning: the header is
// "true" or "1" (any case).
func IncludeReasoning(h http.Header) bool {
	v := h.Get(IncludeReasoningHeader)
	return v == "1" || strings.EqualFold(v, "true")
}
