package anthropic

import (
	"context"
	"net/http"
	"strings"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// staticHeaders are the header values that depend only on the
// configuration, computed once by Provision rather than on every request.
type staticHeaders struct {
	version string
	beta    string // the configured beta values, comma-separated
	hasBeta bool   // there are some (beta may still be "")
}

func (p *Provider) newStaticHeaders() *staticHeaders {
	version := p.Version
	if version == "" {
		version = DefaultVersion
	}
	return &staticHeaders{version: version, beta: strings.Join(p.Beta, ","), hasBeta: len(p.Beta) > 0}
}

// setHeaders writes the Messages API headers; configured extra headers
// come last, so an operator can override any of them.
func (p *Provider) setHeaders(h http.Header, t providers.Target, clientBeta []string) {
	s := p.static
	if s == nil {
		s = p.newStaticHeaders() // an unprovisioned provider, in tests
	}
	// This request's values share one allocation. Each slice is capped at
	// its one element, so appending to one (Header.Add) copies it instead
	// of writing into the next; no slice outlives the request or is shared
	// with another. The names are canonical, as Header.Set would write them.
	v := make([]string, 5)
	v[0], v[1], v[2] = "application/json", "application/json", s.version
	h["Content-Type"], h["Accept"], h["Anthropic-Version"] = v[0:1:1], v[1:2:2], v[2:3:3]
	if t.APIKey != "" {
		v[3] = t.APIKey
		h["X-Api-Key"] = v[3:4:4]
	}
	if beta, ok := s.betaFor(clientBeta); ok {
		v[4] = beta
		h["Anthropic-Beta"] = v[4:5:5]
	}
	for name, values := range p.ExtraHeaders() {
		h[name] = append([]string(nil), values...)
	}
}

// betaFor is the anthropic-beta value: the configured values, then those
// the client sent with its own Anthropic request.
func (s *staticHeaders) betaFor(clientBeta []string) (string, bool) {
	if len(clientBeta) == 0 {
		return s.beta, s.hasBeta
	}
	client := strings.Join(clientBeta, ",")
	if !s.hasBeta {
		return client, true
	}
	return s.beta + "," + client, true
}

// post sends one request to url (messages or count_tokens) through the
// shared provider request path and classifies a non-2xx answer (a redirect
// included: RoundTrip does not follow it). The handler's attempt timer
// bounds it, as every provider's call.
func (p *Provider) post(ctx context.Context, url string, t providers.Target, body []byte, beta []string) (*http.Response, error) {
	return p.Config.Post(ctx, url, body,
		func(h http.Header) { p.setHeaders(h, t, beta) },
		func(status int, h http.Header, errBody []byte) error {
			return upstreamError(p.Name, status, h, errBody)
		})
}

func (p *Provider) messagesURL() string {
	if p.endpoint != "" {
		return p.endpoint
	}
	base := p.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	return MessagesURL(base)
}
