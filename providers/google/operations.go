package google

import (
	"context"
	"errors"
	"time"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// Chat sends one generateContent request.
func (p *Provider) Chat(ctx context.Context, t providers.Target, req *providers.ChatRequest) (*providers.ChatResponse, error) {
	body, u, err := p.chatRequest(req, t.Model, "generateContent")
	if err != nil {
		return nil, err
	}
	raw, err := p.call(ctx, t, u, body)
	if err != nil {
		return nil, err
	}
	decode := fromGemini
	if relaying(req) {
		// A Gemini client gets Gemini's own answer, every part
		// (grounding, thought signatures) as the upstream sent it.
		decode = fromGeminiRelayed
	}
	resp, err := decode(raw, t.Model, time.Now().Unix())
	if err != nil {
		var e *providers.Error
		if errors.As(err, &e) {
			return nil, p.withProvider(e)
		}
		return nil, p.badUpstream(err)
	}
	return resp, nil
}

// ChatStream starts a streamGenerateContent?alt=sse request. A non-2xx
// answer is returned as an error before any chunk. The stream always ends
// with a usage chunk (no choices); the handler hides it from clients that
// did not ask for it.
func (p *Provider) ChatStream(ctx context.Context, t providers.Target, req *providers.ChatRequest) (providers.ChatStream, error) {
	body, u, err := p.chatRequest(req, t.Model, "streamGenerateContent")
	if err != nil {
		return nil, err
	}
	resp, err := p.post(ctx, t, u+"?alt=sse", body)
	if err != nil {
		return nil, err
	}
	events, e := p.OpenEventStream(resp)
	if e != nil {
		resp.Body.Close()
		return nil, e
	}
	return &chatStream{
		body:     resp.Body,
		events:   events,
		conv:     newStreamConverter(t.Model, time.Now().Unix()),
		relay:    relaying(req),
		provider: p.Name,
		cfg:      &p.Config,
	}, nil
}

// chatRequest is the body and URL of a chat request to method.
func (p *Provider) chatRequest(req *providers.ChatRequest, model, method string) (body any, u string, err error) {
	if body, err = p.requestBody(req, model); err != nil {
		return nil, "", p.withProvider(err)
	}
	u, err = p.methodURL(model, method)
	return body, u, err
}
