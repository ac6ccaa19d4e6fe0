// Package openai implements the provider modules for OpenAI's API and for
// the many servers that speak it (vLLM, Ollama, LM Studio, Azure OpenAI,
// ...). Requests that arrived in OpenAI's format are passed through with
// only the fields the gateway must change patched in place, and successful
// bodies are kept as received, so clients see exactly what the upstream said.
package openai

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/caddyserver/caddy/v2"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

func init() {
	caddy.RegisterModule(OpenAI{})
	caddy.RegisterModule(Compatible{})
}

// DefaultBaseURL is OpenAI's public API.
const DefaultBaseURL = "https://api.openai.com/v1"

// Provider is the implementation shared by both modules: one upstream
// account that speaks OpenAI's HTTP API.
type Provider struct {
	providers.Config

	// AuthHeader names the header that carries the API key as-is instead of
	// "Authorization: Bearer <key>", e.g. "api-key" for Azure OpenAI.
	AuthHeader string `json:"auth_header,omitempty"`
	// Query parameters appended to every upstream URL, e.g.
	// {"api-version": "2024-10-21"} for Azure OpenAI.
	Query map[string]string `json:"query,omitempty"`
	// ResponsesAPI says an openai_compatible server also serves OpenAI's
	// Responses API at {base_url}/responses, so /v1/responses requests pass
	// through instead of being translated to chat completions. OpenAI
	// itself always does.
	ResponsesAPI bool `json:"responses_api,omitempty"`

	official bool   // the upstream is OpenAI itself, which rejects unknown parameters
	query    string // encoded Query with its leading "?", or ""

	// urlFor, when set, builds an operation's upstream URL instead of
	// BaseURL+path+query (Azure's deployment paths); see SetURLBuilder.
	urlFor func(t providers.Target, path string) string
	// modelOf, when set, names the model behind an upstream name that is
	// not one (an Azure deployment), for model-specific rules; see SetModelOf.
	modelOf func(upstream string) string
	// drop lists top-level chat fields the upstream rejects (a preset's quirks).
	drop []string
}

// url is the upstream URL of the operation at path ("/chat/completions").
func (p *Provider) url(t providers.Target, path string) string {
	if p.urlFor != nil {
		return p.urlFor(t, path)
	}
	return p.BaseURL + path + p.query
}

// SetURLBuilder makes the provider build every upstream URL with f, given
// the target and the operation's path as OpenAI names it ("/chat/completions",
// "/embeddings", "/images/generations", "/responses"). Provider types that
// wrap this one call it from their Provision (Azure OpenAI's deployments).
func (p *Provider) SetURLBuilder(f func(t providers.Target, path string) string) { p.urlFor = f }

// SetModelOf tells the provider which model an upstream name stands for
// ("" when unknown), so that rules keyed by model, such as sending
// max_completion_tokens to reasoning models, hold for Azure deployments
// with names of their own.
func (p *Provider) SetModelOf(f func(upstream string) string) { p.modelOf = f }

// ProvisionAs provisions the shared configuration with d and validates
// the OpenAI-specific options, for provider types built on this one.
func (p *Provider) ProvisionAs(d providers.Defaults) error { return p.provision(d) }

// OpenAI is the provider module for OpenAI's own API. An API key is required;
// base_url defaults to DefaultBaseURL.
type OpenAI struct {
	Provider
}

// Compatible is the provider module for servers that implement OpenAI's API.
// base_url is required and the API key optional.
type Compatible struct {
	Provider
}

// CaddyModule returns the Caddy module information.
func (OpenAI) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  providers.Namespace + ".openai",
		New: func() caddy.Module { return new(OpenAI) },
	}
}

// CaddyModule returns the Caddy module information.
func (Compatible) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  providers.Namespace + ".openai_compatible",
		New: func() caddy.Module { return new(Compatible) },
	}
}

// Provision applies OpenAI's defaults and builds the HTTP client.
func (m *OpenAI) Provision(caddy.Context) error {
	m.official = true
	return m.provision(providers.Defaults{Type: "openai", BaseURL: DefaultBaseURL, KeyNeeded: true})
}

// Provision requires a base_url and builds the HTTP client.
func (m *Compatible) Provision(caddy.Context) error {
	return m.provision(providers.Defaults{Type: "openai_compatible"})
}

// provision is the part of Provision both modules share.
func (p *Provider) provision(d providers.Defaults) error {
	if err := p.Config.Provision(d); err != nil {
		return err
	}
	if p.AuthHeader != "" && !validHeaderName(p.AuthHeader) {
		return fmt.Errorf("provider %s: auth_header %q is not a valid header name", p.Name, p.AuthHeader)
	}
	p.query = ""
	if len(p.Query) > 0 {
		v := make(url.Values, len(p.Query))
		for k, val := range p.Query {
			v.Set(k, val)
			p.Scrubber().Add(val) // e.g. a proxy's token, or Azure's api-key as a parameter
		}
		p.query = "?" + v.Encode() // Encode sorts keys: stable URLs
	}
	return nil
}

// validHeaderName reports whether s is an HTTP token (RFC 9110 §5.6.2).
func validHeaderName(s string) bool {
	for _, c := range []byte(s) {
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return s != ""
}

// Interface guards.
var (
	_ providers.Module         = (*OpenAI)(nil)
	_ providers.Embedder       = (*OpenAI)(nil)
	_ providers.ImageGenerator = (*OpenAI)(nil)

	_ providers.Module = (*Compatible)(nil)
)
