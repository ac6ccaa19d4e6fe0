package anthropic

import (
	"context"
	"sync"
)

// NativeRequest carries a request that arrived in Anthropic's own format
// (the gateway's POST /v1/messages) to an Anthropic upstream with the least
// change. The handler attaches it with WithNativeBody; when this provider
// finds it in the context, Chat and ChatStream send Body instead of
// translating the unified request: only "model" is replaced with the
// upstream name, "stream" set to match the call, and "max_tokens" set to
// the unified request's when the handler changed it (a cap), so cache_control,
// thinking, documents, server tools and fields the gateway does not know
// reach Anthropic untouched. Other provider types ignore it and translate
// the unified request as usual, so one context serves every fallback.
//
// Streams are still parsed into unified chunks (the handler needs usage and
// re-encodes them with StreamEncoder). For a non-streaming call the upstream
// JSON is kept: UpstreamResponse returns it, so the handler may send it to
// the client as is (after replacing "model" with the public name).
type NativeRequest struct {
	// Body is the client's Anthropic Messages request body.
	Body []byte
	// Beta values the client sent as anthropic-beta; added to the
	// provider's own beta values.
	Beta []string

	mu       sync.Mutex
	response []byte
}

type nativeKey struct{}

// WithNativeBody returns ctx carrying the client's Anthropic request body.
func WithNativeBody(ctx context.Context, body []byte) context.Context {
	return WithNativeRequest(ctx, &NativeRequest{Body: body})
}

// WithNativeRequest returns ctx carrying n.
func WithNativeRequest(ctx context.Context, n *NativeRequest) context.Context {
	return context.WithValue(ctx, nativeKey{}, n)
}

// NativeRequestFrom returns the native request in ctx, or nil.
func NativeRequestFrom(ctx context.Context) *NativeRequest {
	n, _ := ctx.Value(nativeKey{}).(*NativeRequest)
	return n
}

// UpstreamResponse returns the Anthropic message JSON the last successful
// non-streaming call received for this request, or nil (no call yet, or the
// call went to another provider type).
func (n *NativeRequest) UpstreamResponse() []byte {
	if n == nil {
		return nil
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.response
}

func (n *NativeRequest) setResponse(b []byte) {
	n.mu.Lock()
	n.response = b
	n.mu.Unlock()
}
