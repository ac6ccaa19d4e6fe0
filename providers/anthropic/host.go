package anthropic

import (
	"context"
	"net/http"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// Host describes a cloud that serves Anthropic's Messages API under URLs
// and authentication of its own. Vertex AI's rawPredict is one: the model
// goes in the URL rather than the body, the API version in the body
// (anthropic_version) rather than a header, and the credential is an OAuth2
// access token (Authorization: Bearer). Package vertex sets one with
// SetHost; the translation, the relay of /v1/messages bodies and the
// stream are this package's, unchanged.
type Host struct {
	// URL is the endpoint of one Messages call to model, streamed or not.
	URL func(model string, stream bool) string
	// CountURL is the endpoint of count_tokens, whose body keeps the model;
	// "" when the host has none (CountTokens is then unsupported).
	CountURL string
	// Version is the anthropic_version the body carries.
	Version string
	// Error classifies a non-2xx answer the host gave in a shape of its
	// own; nil hands it to Anthropic's classification.
	Error func(status int, h http.Header, body []byte) *providers.Error
}

// SetHost makes the provider send its calls to h (see Host). Call it
// before the first request.
func (p *Provider) SetHost(h *Host) { p.host = h }

// postMessages sends a Messages body: to Anthropic's endpoint, or to the
// host with the model moved from the body into the URL and
// anthropic_version set.
func (p *Provider) postMessages(ctx context.Context, t providers.Target, body []byte, beta []string) (*http.Response, error) {
	if p.host == nil {
		return p.post(ctx, p.messagesURL(), t, body, beta)
	}
	stream := string(providers.GetTopLevel(body, "stream")) == "true"
	var err error
	if providers.GetTopLevel(body, "model") != nil {
		if body, err = providers.DeleteTopLevel(body, "model"); err != nil {
			return nil, p.tag(invalid("", "request body must be a JSON object"))
		}
	}
	if body, err = p.withHostVersion(body); err != nil {
		return nil, p.tag(err)
	}
	return p.post(ctx, p.host.URL(t.Model, stream), t, body, beta)
}

// countTarget is the count_tokens endpoint and the body to send there.
func (p *Provider) countTarget(body []byte) (string, []byte, error) {
	if p.host == nil {
		return p.countTokensURL(), body, nil
	}
	if p.host.CountURL == "" {
		return "", nil, providers.Unsupported(p.Name, p.Type(), "token counting")
	}
	body, err := p.withHostVersion(body)
	return p.host.CountURL, body, err
}

func (p *Provider) withHostVersion(body []byte) ([]byte, error) {
	body, err := providers.SetTopLevel(body, "anthropic_version", appendString(nil, p.host.Version))
	if err != nil {
		return nil, invalid("", "request body must be a JSON object")
	}
	return body, nil
}

// classify classifies a non-2xx answer: the host's shape first, then
// Anthropic's.
func (p *Provider) classify(status int, h http.Header, body []byte) *providers.Error {
	if p.host != nil && p.host.Error != nil {
		if e := p.host.Error(status, h, body); e != nil {
			return e
		}
	}
	return upstreamError(p.Name, status, h, body)
}
