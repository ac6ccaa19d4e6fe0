package providers

import (
	"context"
	"net/http"
)

// ResponsesPassthrough is the optional operation of a provider whose
// upstream serves OpenAI's Responses API (POST {base_url}/responses). A
// /v1/responses request bound for it is passed through with the least
// change instead of being translated to chat; every other provider gets
// the translated request through Chat / ChatStream.
type ResponsesPassthrough interface {
	// ServesResponses reports whether this configured upstream has the
	// Responses API: OpenAI always, an openai_compatible server when its
	// configuration says so.
	ServesResponses() bool
	// Responses posts body, a Responses create request as the client sent
	// it, with only its model replaced by t.Model. A 2xx answer is returned
	// with its body open for the caller to relay and close: a Response
	// object, or server-sent events when stream. Any other answer, and any
	// transport failure, is a classified *Error.
	Responses(ctx context.Context, t Target, body []byte, stream bool) (*http.Response, error)
}
