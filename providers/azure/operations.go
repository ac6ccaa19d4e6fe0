package azure

import (
	"context"
	"net/http"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// The operations are OpenAI's, sent to the deployment of the target's model.

// Chat makes one non-streamed chat completion.
func (a *Azure) Chat(ctx context.Context, t providers.Target, req *providers.ChatRequest) (*providers.ChatResponse, error) {
	t, err := a.target(ctx, t)
	if err != nil {
		return nil, err
	}
	return a.Provider.Chat(ctx, t, req)
}

// ChatStream opens a streamed chat completion.
func (a *Azure) ChatStream(ctx context.Context, t providers.Target, req *providers.ChatRequest) (providers.ChatStream, error) {
	t, err := a.target(ctx, t)
	if err != nil {
		return nil, err
	}
	return a.Provider.ChatStream(ctx, t, req)
}

// Embeddings creates embeddings.
func (a *Azure) Embeddings(ctx context.Context, t providers.Target, req *providers.EmbeddingRequest) (*providers.EmbeddingResponse, error) {
	t, err := a.target(ctx, t)
	if err != nil {
		return nil, err
	}
	return a.Provider.Embeddings(ctx, t, req)
}

// Images generates images.
func (a *Azure) Images(ctx context.Context, t providers.Target, req *providers.ImageRequest) (*providers.ImageResponse, error) {
	t, err := a.target(ctx, t)
	if err != nil {
		return nil, err
	}
	return a.Provider.Images(ctx, t, req)
}

// ServesResponses reports whether responses_api is set: Azure serves the
// Responses API only for the models and regions that have it.
func (a *Azure) ServesResponses() bool { return a.ResponsesAPI }

// Responses passes a /v1/responses request through to the resource's
// Responses API, the deployment named in the body.
func (a *Azure) Responses(ctx context.Context, t providers.Target, body []byte, stream bool) (*http.Response, error) {
	t, err := a.target(ctx, t)
	if err != nil {
		return nil, err
	}
	return a.Provider.Responses(ctx, t, body, stream)
}
