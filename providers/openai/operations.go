package openai

import (
	"cmp"
	"context"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// Chat makes one non-streamed chat completion. The response keeps the
// upstream body in Raw, so OpenAI-format clients receive it unchanged.
func (p *Provider) Chat(ctx context.Context, t providers.Target, req *providers.ChatRequest) (*providers.ChatResponse, error) {
	if p.relaysResponses(req) {
		return p.chatViaResponses(ctx, t, req)
	}
	body, err := p.chatBody(t, req, false)
	if err != nil {
		return nil, p.requestError(err)
	}
	httpResp, err := p.post(ctx, t, "/chat/completions", body)
	if err != nil {
		return nil, err
	}
	raw, err := p.readBody(httpResp)
	if err != nil {
		return nil, err
	}
	// The answer is relayed as it came; only its head is decoded here.
	resp, err := providers.DecodeChatHead(raw)
	if err != nil {
		return nil, p.invalidJSON(err)
	}
	return resp, nil
}

// Embeddings creates embeddings. encoding_format passes through untouched:
// the official Python SDK asks for base64 by default and decodes it itself.
func (p *Provider) Embeddings(ctx context.Context, t providers.Target, req *providers.EmbeddingRequest) (*providers.EmbeddingResponse, error) {
	typed := *req
	typed.Model = cmp.Or(t.Model, typed.Model)
	return passThrough(ctx, p, t, "/embeddings", req.Raw, &typed, func(r *providers.EmbeddingResponse) *[]byte { return &r.Raw })
}

// Images generates images.
func (p *Provider) Images(ctx context.Context, t providers.Target, req *providers.ImageRequest) (*providers.ImageResponse, error) {
	typed := *req
	typed.Model = cmp.Or(t.Model, typed.Model)
	return passThrough(ctx, p, t, "/images/generations", req.Raw, &typed, func(r *providers.ImageResponse) *[]byte { return &r.Raw })
}

// passThrough posts the client's body raw with the deployment's model (or,
// without a body, typed, which has that model) and decodes the answer into
// a new R, whose Raw (rawOf) keeps the answer's bytes for an OpenAI client.
func passThrough[R any](ctx context.Context, p *Provider, t providers.Target, path string, raw []byte, typed any, rawOf func(*R) *[]byte) (*R, error) {
	body, err := passThroughBody(raw, typed, t.Model)
	if err != nil {
		return nil, p.requestError(err)
	}
	resp := new(R)
	answer, err := p.call(ctx, t, path, body, resp)
	if err != nil {
		return nil, err
	}
	*rawOf(resp) = answer
	return resp, nil
}
