package openai

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// MaxResponseSize bounds a non-streamed upstream body, so a broken upstream
// cannot make the gateway buffer without limit.
const MaxResponseSize = providers.MaxResponseSize

// responseLimit is MaxResponseSize; tests lower it.
var responseLimit int64 = MaxResponseSize

// post sends one request to path (e.g. "/chat/completions") and returns the
// response when the upstream answered 2xx. Any other answer, and any
// transport failure, is returned as a classified *providers.Error; the body
// is then already closed.
func (p *Provider) post(ctx context.Context, t providers.Target, path string, body []byte) (*http.Response, error) {
	return p.Config.Post(ctx, p.url(t, path), body,
		func(h http.Header) { p.setHeaders(h, t.APIKey) },
		func(status int, h http.Header, errBody []byte) error {
			return upstreamError(p.Name, status, h, errBody)
		})
}

// setHeaders writes the upstream request headers. Configured extra headers
// come last, so an operator can override any default.
func (p *Provider) setHeaders(h http.Header, apiKey string) {
	h["Content-Type"] = jsonHeaderValue
	h["Accept"] = jsonHeaderValue
	if apiKey != "" {
		if p.AuthHeader != "" {
			h.Set(p.AuthHeader, apiKey)
		} else {
			h.Set("Authorization", "Bearer "+apiKey)
		}
	}
	if p.Organization != "" {
		h.Set("OpenAI-Organization", p.Organization)
	}
	for name, values := range p.ExtraHeaders() {
		h[name] = values
	}
}

// jsonHeaderValue is shared by every upstream request: only this package
// and the transport, which never writes to it, see these headers.
var jsonHeaderValue = []string{"application/json"}

// transportError classifies a failure to get a response at all.
func (p *Provider) transportError(err error) *providers.Error { return p.Config.TransportError(err) }

// readBody reads a whole successful body, at most responseLimit bytes.
func (p *Provider) readBody(resp *http.Response) ([]byte, error) {
	return p.Config.ReadAnswer(resp, responseLimit)
}

// call posts body to path and decodes the successful answer into out,
// returning the body as received.
func (p *Provider) call(ctx context.Context, t providers.Target, path string, body []byte, out any) ([]byte, error) {
	resp, err := p.post(ctx, t, path, body)
	if err != nil {
		return nil, err
	}
	raw, err := p.readBody(resp)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return nil, p.invalidJSON(err)
	}
	return raw, nil
}

// invalidJSON reports a successful answer whose body could not be decoded.
func (p *Provider) invalidJSON(err error) *providers.Error {
	return &providers.Error{Kind: providers.KindUpstream, Provider: p.Name, Message: "upstream answered with invalid JSON", Err: err}
}

// requestError reports a request body the provider could not build.
func (p *Provider) requestError(err error) *providers.Error {
	var e *providers.Error
	if errors.As(err, &e) {
		if e.Provider == "" {
			e.Provider = p.Name
		}
		return e
	}
	return &providers.Error{Kind: providers.KindInvalidRequest, Provider: p.Name, Message: "request body must be a JSON object", Err: err}
}
