package openai

import (
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/sira-ai/caddy-ai-backends/internal/caddyargs"
)

// UnmarshalCaddyfile parses a provider block. Besides the options every
// provider has (see providers.Config.UnmarshalBlock) it accepts:
//
//	provider <name> openai|openai_compatible {
//	    auth_header <name>        # send the key in this header, not as Bearer (Azure: api-key)
//	    query       <key> <value> # append to every upstream URL; repeatable
//	    responses_api             # the server also serves /responses (openai_compatible)
//	}
func (p *Provider) UnmarshalCaddyfile(d *caddyfile.Dispenser) error {
	return p.Config.UnmarshalBlock(d, p.unmarshalOption)
}

// unmarshalOption parses the options specific to this provider type and
// reports whether the current one was one of them.
func (p *Provider) unmarshalOption(d *caddyfile.Dispenser) (bool, error) {
	switch d.Val() {
	case "auth_header":
		if !d.AllArgs(&p.AuthHeader) {
			return true, d.ArgErr()
		}
		if !validHeaderName(p.AuthHeader) {
			return true, d.Errf("auth_header %q is not a valid header name", p.AuthHeader)
		}
	case "query":
		return true, caddyargs.MapEntry(d, &p.Query, "<key> <value>")
	case "responses_api":
		p.ResponsesAPI = true
		return true, caddyargs.None(d)
	default:
		return false, nil
	}
	return true, nil
}
