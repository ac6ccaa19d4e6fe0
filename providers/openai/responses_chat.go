package openai

import (
	"context"
	"net/http"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// RelaysOriginal reports the client formats whose bodies this provider
// sends on as they are: OpenAI chat always, Responses where the upstream
// serves the Responses API (so OpenAI-only Responses features reach it).
func (p *Provider) RelaysOriginal(f providers.Format) bool {
	return f == providers.FormatOpenAIChat || (f == providers.FormatOpenAIResponses && p.ServesResponses())
}

// relaysResponses reports whether req goes to /responses as the client
// sent it: a Responses request to an upstream that serves the API.
func (p *Provider) relaysResponses(req *providers.ChatRequest) bool {
	return req.Original.Is(providers.FormatOpenAIResponses) && p.ServesResponses()
}

// chatViaResponses passes a Responses request through and reads the
// answer's unified view; the Response object is kept in Original.
func (p *Provider) chatViaResponses(ctx context.Context, t providers.Target, req *providers.ChatRequest) (*providers.ChatResponse, error) {
	resp, err := p.Responses(ctx, t, req.Original.Body, false)
	if err != nil {
		return nil, err
	}
	raw, err := p.readBody(resp)
	if err != nil {
		return nil, p.Scrub(err)
	}
	out, err := chatOfResponse(raw)
	if err != nil {
		return nil, p.Scrub(err)
	}
	return out, nil
}

// streamViaResponses passes a streamed Responses request through; its
// events are relayed (see responsesStream).
func (p *Provider) streamViaResponses(ctx context.Context, t providers.Target, req *providers.ChatRequest) (providers.ChatStream, error) {
	resp, events, cancel, err := p.PostEventStream(ctx, func(ctx context.Context) (*http.Response, error) {
		return p.Responses(ctx, t, req.Original.Body, true)
	})
	if err != nil {
		return nil, err
	}
	return newResponsesStream(resp, events, &p.Config, cancel), nil
}
