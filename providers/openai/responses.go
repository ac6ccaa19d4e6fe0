package openai

import (
	"context"
	"net/http"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// ServesResponses reports whether the upstream has the Responses API:
// OpenAI itself always, an openai_compatible server when responses_api is set.
func (p *Provider) ServesResponses() bool { return p.official || p.ResponsesAPI }

// Responses passes a /v1/responses request through to {base_url}/responses:
// the client's bytes with only the model patched in place, the provider's
// auth and extra headers, and its error classification.
func (p *Provider) Responses(ctx context.Context, t providers.Target, body []byte, stream bool) (*http.Response, error) {
	out, err := patchModel(body, t.Model)
	if err != nil {
		return nil, p.requestError(err)
	}
	if err := ensureUnique(out, modelKey); err != nil {
		return nil, p.requestError(err)
	}
	accept := jsonHeaderValue
	if stream {
		accept = eventStreamHeaderValue
	}
	return p.Config.Post(ctx, p.url(t, "/responses"), out,
		func(h http.Header) {
			p.setHeaders(h, t.APIKey)
			if _, set := p.ExtraHeaders()["Accept"]; !set {
				h["Accept"] = accept
			}
		},
		func(status int, h http.Header, errBody []byte) error {
			return upstreamError(p.Name, status, h, errBody)
		})
}

var eventStreamHeaderValue = []string{"text/event-stream"}

var (
	_ providers.ResponsesPassthrough = (*OpenAI)(nil)
	_ providers.ResponsesPassthrough = (*Compatible)(nil)
)
