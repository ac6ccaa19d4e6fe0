package aibackends

import "github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

// Interface guard
var _ caddyfile.Unmarshaler = (*Handler)(nil)
