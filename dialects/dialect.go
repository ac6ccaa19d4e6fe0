// Package dialects defines what a client API dialect is: the wire format an
// SDK speaks to the gateway (OpenAI chat, Anthropic messages, OpenAI
// responses, Gemini). Each dialect lives in its own sub-package and owns its
// error envelope, its answer and stream writers and the request-id header its
// SDKs read; the handler's pipeline only calls these interfaces, so adding a
// dialect never adds a switch anywhere else.
package dialects

import (
	"net/http"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// Dialect is one client API.
type Dialect interface {
	// Name labels the dialect in logs.
	Name() string
	// ErrorBody is e in the dialect's error envelope; the status is
	// e.HTTPStatus().
	ErrorBody(e *providers.Error) []byte
	// SetRequestID names the request in the headers the dialect's SDKs
	// expose. v is a one-element slice the caller owns.
	SetRequestID(h http.Header, v []string)
}

// ChatWriter writes one chat request's result in the client's dialect. A
// decoder makes one per request, so it may hold the decoded request's
// dialect-specific fields (the Responses API echoes them).
type ChatWriter interface {
	// NeedsChoices reports whether Response reads the answer's choices; a
	// relayed OpenAI answer is otherwise sent without decoding them.
	NeedsChoices() bool
	// Response writes a complete answer.
	Response(w http.ResponseWriter, resp *providers.ChatResponse, req *providers.ChatRequest)
	// Stream starts a committed stream.
	Stream(w http.ResponseWriter, req *providers.ChatRequest) ChunkSink
}

// AnswerRelayer is a ChatWriter that sends some answers as they came
// (resp.Original in its own format) and re-encodes the others.
type AnswerRelayer interface {
	// Relays reports whether Response sends resp as it came, without
	// reading its choices.
	Relays(resp *providers.ChatResponse) bool
}

// NeedsChoices reports whether cw's Response reads resp's choices.
func NeedsChoices(cw ChatWriter, resp *providers.ChatResponse) bool {
	if r, ok := cw.(AnswerRelayer); ok && r.Relays(resp) {
		return false
	}
	return cw.NeedsChoices()
}

// ChunkSink receives a committed stream's chunks and its end.
type ChunkSink interface {
	// Chunk writes one chunk; an error means the client went away.
	Chunk(c *providers.ChatChunk) error
	// End closes the stream: after a failure err says what went wrong.
	End(err *providers.Error)
}
