package openai

import (
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
	if t.Model != "" {
		typed.Model = t.Model
	}
	body, err := passThroughBody(req.Raw, &typed, t.Model)
	if err != nil {
		return nil, p.requestError(err)
	}
	resp := new(providers.EmbeddingResponse)
	raw, err := p.call(ctx, t, "/embeddings", body, resp)
	if err != nil {
		return nil, err
	}
	resp.Raw = raw
	return resp, nil
}

// Images generates images.
func (p *Provider) Images(ctx context.Context, t providers.Target, req *providers.ImageRequest) (*providers.ImageResponse, error) {
	typed := *req
	if t.Model != "" {
		typed.Model = t.Model
	}
	body, err := passThroughBody(req.Raw, &typed, t.Model)
	if err != nil {
		return nil, p.requestError(err)
	}
	resp := new(providers.ImageResponse)
	raw, err := p.call(ctx, t, "/images/generations", body, resp)
	if err != nil {
		return nil, err
	}
	resp.Raw = raw
	return resp, nil
}
