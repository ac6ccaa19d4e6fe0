package google

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// methodURL is {base}/models/{model}:{method}. A model given with its
// resource prefix ("models/x", "tunedModels/y") keeps it. The model must
// pass providers.CheckPathModel (no "." or ".." segment, which PathEscape
// would keep and the upstream would resolve: "../../admin" must not send
// the key elsewhere); each path segment is then escaped so a model name
// cannot add path or query.
func (p *Provider) methodURL(model, method string) (string, error) {
	if e := providers.CheckPathModel(model, true); e != nil {
		return "", p.withProvider(e)
	}
	if !strings.Contains(model, "/") {
		// The usual bare name: one string built, no split and join.
		return p.BaseURL + "/models/" + url.PathEscape(model) + ":" + method, nil
	}
	segs := strings.Split(model, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return p.BaseURL + "/" + strings.Join(segs, "/") + ":" + method, nil
}

// resourceName is the model's resource name as request bodies want it.
func resourceName(model string) string {
	if strings.Contains(model, "/") {
		return model
	}
	return "models/" + model
}

// post sends one request and returns the response when the upstream
// answered 2xx. Any other answer, and any transport failure, is a classified
// *providers.Error; the body is then already closed.
func (p *Provider) post(ctx context.Context, t providers.Target, url string, body any) (*http.Response, error) {
	payload, err := encodeBody(body)
	if err != nil {
		return nil, &providers.Error{Kind: providers.KindInternal, Provider: p.Name, Message: "could not encode the upstream request", Err: err}
	}
	return p.Config.Post(ctx, url, payload,
		func(h http.Header) { p.setHeaders(h, t.APIKey) },
		func(status int, h http.Header, errBody []byte) error {
			return upstreamError(p.Name, status, h, errBody)
		})
}

// encodeBody is body's JSON. A relayed client body (json.RawMessage) goes
// as it is when valid, rather than through json.Marshal, which copies and
// compacts it (three allocations and a second scan per request).
func encodeBody(body any) ([]byte, error) {
	if raw, ok := body.(json.RawMessage); ok && json.Valid(raw) {
		return raw, nil
	}
	return json.Marshal(body)
}

// setHeaders writes the upstream request headers; configured extra headers
// come last, so an operator can override any default.
func (p *Provider) setHeaders(h http.Header, apiKey string) {
	h.Set("Content-Type", "application/json")
	switch {
	case apiKey == "":
	case p.vertex:
		h.Set("Authorization", "Bearer "+apiKey) // an OAuth2 access token
	default:
		h.Set("x-goog-api-key", apiKey)
	}
	for name, values := range p.ExtraHeaders() {
		h[name] = values
	}
}

// call posts body and decodes nothing: it returns the whole successful body,
// at most providers.MaxResponseSize bytes.
func (p *Provider) call(ctx context.Context, t providers.Target, url string, body any) ([]byte, error) {
	resp, err := p.post(ctx, t, url, body)
	if err != nil {
		return nil, err
	}
	return p.Config.ReadAnswer(resp, providers.MaxResponseSize)
}

// transportError classifies a failure to get (or read) a response.
func (p *Provider) transportError(err error) *providers.Error { return p.Config.TransportError(err) }

// badUpstream reports a 2xx body that is not what Gemini sends.
func (p *Provider) badUpstream(err error) *providers.Error {
	return &providers.Error{Kind: providers.KindUpstream, Provider: p.Name, Message: "upstream answered with an invalid body", Err: err}
}

// withProvider stamps the provider name on a classified error and scrubs
// every credential the provider sends from it.
func (p *Provider) withProvider(err error) error { return p.Config.Scrub(err) }
