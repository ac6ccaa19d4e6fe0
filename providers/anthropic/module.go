package anthropic

import (
	"fmt"
	"strings"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/sira-ai/caddy-ai-backends/providers"

	"github.com/sira-ai/caddy-ai-backends/internal/caddyargs"
)

func init() {
	caddy.RegisterModule(Provider{})
}

// DefaultBaseURL is Anthropic's public API.
const DefaultBaseURL = "https://api.anthropic.com"

// DefaultVersion is the anthropic-version header sent by default.
const DefaultVersion = "2023-06-01"

// Provider is an Anthropic account, spoken to through the Messages API
// (POST {base_url}/v1/messages). Chat requests in the unified (OpenAI)
// format are translated both ways; embeddings and image generation are not
// offered by Anthropic and fail with a clear "unsupported" error.
type Provider struct {
	providers.Config

	// Version is sent as the anthropic-version header. Default: 2023-06-01.
	Version string `json:"version,omitempty"`
	// Beta values are sent, comma-separated, as the anthropic-beta header.
	Beta []string `json:"beta,omitempty"`
	// DefaultMaxTokens is max_tokens for requests that set no output limit
	// (Anthropic requires one). Default: the model's output limit from a
	// built-in table (4096 for models it does not know).
	DefaultMaxTokens int `json:"default_max_tokens,omitempty"`

	endpoint string
	static   *staticHeaders // header values fixed by the configuration
	host     *Host          // nil: Anthropic's own API (see SetHost)
}

// CaddyModule returns the Caddy module information.
func (Provider) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  providers.Namespace + ".anthropic",
		New: func() caddy.Module { return new(Provider) },
	}
}

// Provision applies defaults and builds the HTTP client.
func (p *Provider) Provision(ctx caddy.Context) error {
	if err := p.Config.Provision(providers.Defaults{Type: "anthropic", BaseURL: DefaultBaseURL, KeyNeeded: true}); err != nil {
		return err
	}
	if p.Version == "" {
		p.Version = DefaultVersion
	}
	if p.DefaultMaxTokens < 0 {
		return fmt.Errorf("provider %s: default_max_tokens must be positive", p.Name)
	}
	p.endpoint = MessagesURL(p.BaseURL)
	p.static = p.newStaticHeaders()
	return nil
}

// MessagesURL is the Messages endpoint under a base URL, which may or may
// not already end in /v1.
func MessagesURL(base string) string {
	base = strings.TrimRight(base, "/")
	if strings.HasSuffix(base, "/v1") {
		return base + "/messages"
	}
	return base + "/v1/messages"
}

// UnmarshalCaddyfile parses the provider block; besides the shared options:
//
//	provider <name> anthropic {
//	    version            <anthropic-version>   # default 2023-06-01
//	    beta               <value>...            # anthropic-beta; repeatable
//	    default_max_tokens <n>                   # default: per-model table
//	}
func (p *Provider) UnmarshalCaddyfile(d *caddyfile.Dispenser) error {
	return p.Config.UnmarshalBlock(d, p.unmarshalOption)
}

func (p *Provider) unmarshalOption(d *caddyfile.Dispenser) (bool, error) {
	switch d.Val() {
	case "version":
		return true, caddyargs.String(d, &p.Version)
	case "beta":
		return true, caddyargs.Append(d, &p.Beta)
	case "default_max_tokens":
		var err error
		p.DefaultMaxTokens, err = caddyargs.PositiveInt(d)
		return true, err
	}
	return false, nil
}

// Interface guards.
var _ providers.Module = (*Provider)(nil)
