package google

import (
	"fmt"
	"net/url"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

func init() {
	caddy.RegisterModule(Provider{})
}

// DefaultBaseURL is the Gemini API (Google AI Studio keys).
const DefaultBaseURL = "https://" + defaultHost + "/v1beta"

const defaultHost = "generativelanguage.googleapis.com"

// Provider is the provider module for Google's Gemini API: chat (plain and
// streamed) through generateContent, and embeddings through embedContent /
// batchEmbedContents. Image generation is not supported.
//
// The API key goes in the x-goog-api-key header, never in the URL (URLs end
// up in logs). It is required for Google's own host and optional for any
// other base_url (e.g. a proxy that adds its own credentials).
type Provider struct {
	providers.Config

	// SafetySettings are sent as safetySettings with every chat request,
	// e.g. [{"category":"HARM_CATEGORY_HARASSMENT","threshold":"BLOCK_ONLY_HIGH"}].
	// Default: none (Gemini's own defaults apply).
	SafetySettings []SafetySetting `json:"safety_settings,omitempty"`

	vertex bool // set by UseVertex: Vertex AI's auth and countTokens body
}

// CaddyModule returns the Caddy module information.
func (Provider) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  providers.Namespace + ".google",
		New: func() caddy.Module { return new(Provider) },
	}
}

// Provision applies Gemini's defaults and builds the HTTP client.
func (p *Provider) Provision(caddy.Context) error {
	keyNeeded := p.BaseURL == ""
	if u, err := url.Parse(p.BaseURL); err == nil && u.Host == defaultHost {
		keyNeeded = true
	}
	if err := p.Config.Provision(providers.Defaults{Type: "google", BaseURL: DefaultBaseURL, KeyNeeded: keyNeeded}); err != nil {
		return err
	}
	for i, s := range p.SafetySettings {
		if s.Category == "" || s.Threshold == "" {
			return fmt.Errorf("provider %s: safety setting %d needs a category and a threshold", p.Name, i+1)
		}
	}
	return nil
}

// UnmarshalCaddyfile parses a provider block; besides the common options
// (see providers.Config.UnmarshalBlock) it takes:
//
//	safety <category> <threshold>   # repeatable, e.g. safety HARM_CATEGORY_HARASSMENT BLOCK_NONE
func (p *Provider) UnmarshalCaddyfile(d *caddyfile.Dispenser) error {
	return p.Config.UnmarshalBlock(d, func(d *caddyfile.Dispenser) (bool, error) {
		if d.Val() != "safety" {
			return false, nil
		}
		return true, AppendSafety(d, &p.SafetySettings)
	})
}

// AppendSafety reads `safety <category> <threshold>` and appends it to
// *settings; vertex's block takes the option too, for its Gemini models.
func AppendSafety(d *caddyfile.Dispenser, settings *[]SafetySetting) error {
	var s SafetySetting
	if !d.AllArgs(&s.Category, &s.Threshold) {
		return d.Errf("usage: safety <category> <threshold>")
	}
	*settings = append(*settings, s)
	return nil
}

// Interface guards.
var (
	_ providers.Module   = (*Provider)(nil)
	_ providers.Embedder = (*Provider)(nil)
)
