// Package providers holds the unified request/response schema, the Provider
// interface every upstream implements, the classified Error, and the pieces
// shared by provider modules (config, HTTP transport, SSE, retry advice).
package providers

import (
	"context"
)

// Namespace is the Caddy module namespace of provider modules.
const Namespace = "http.ai_backends.providers"

// Provider is one configured upstream account: what every provider type
// does. Every other operation is an optional interface below, which a
// provider implements when its upstream can: the handler checks for it, so
// adding an operation never breaks a provider (a third-party one included)
// and no provider stubs what it lacks.
type Provider interface {
	// Base returns the settings shared by all provider types.
	Base() *Config
	Chat(ctx context.Context, t Target, req *ChatRequest) (*ChatResponse, error)
	ChatStream(ctx context.Context, t Target, req *ChatRequest) (ChatStream, error)
}

// Embedder is a provider that creates embeddings.
type Embedder interface {
	Embeddings(ctx context.Context, t Target, req *EmbeddingRequest) (*EmbeddingResponse, error)
}

// ImageGenerator is a provider that generates images.
type ImageGenerator interface {
	Images(ctx context.Context, t Target, req *ImageRequest) (*ImageResponse, error)
}

// HealthChecker is a provider with a cheaper health check than a one-token
// completion (listing models, say).
type HealthChecker interface {
	HealthCheck(ctx context.Context, t Target) error
}

// Target says where one attempt goes: the upstream model name (after the
// provider's model_map) and the API key the key balancer chose. The
// request's own Model field holds the public name the client asked for.
type Target struct {
	Model  string
	APIKey string
}

// ChatStream is an open streamed completion.
type ChatStream interface {
	// Next returns the next chunk, or io.EOF after the last one. A failure
	// mid-stream (an error event, a truncated body) is an *Error. The chunk,
	// its Choices and what their *string fields point to may be reused by
	// the next call (copy what must outlive it); its Usage and the string
	// values themselves stay valid.
	Next() (*ChatChunk, error)
	// Close releases the upstream connection; safe to call more than once.
	Close() error
}

// Unsupported is the error for an operation a provider lacks.
func Unsupported(provider, providerType, op string) *Error {
	return &Error{
		Kind:     KindUnsupported,
		Provider: provider,
		Code:     "unsupported_operation",
		Message:  op + " is not supported by provider type " + providerType,
	}
}

// TokenCounter is a provider whose upstream counts a request's input tokens
// (Anthropic's count_tokens, OpenAI's responses/input_tokens, Gemini's
// countTokens). The count is the upstream's own, so exact for its model.
type TokenCounter interface {
	// CountTokens returns the input tokens req would use on t.Model. A
	// provider that cannot count this particular request upstream (an
	// OpenAI-compatible server without the Responses API) returns an
	// *Error of KindUnsupported, and the caller counts locally.
	CountTokens(ctx context.Context, t Target, req *ChatRequest) (int, error)
}
