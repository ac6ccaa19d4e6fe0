package aibackends

import (
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/sira-ai/caddy-ai-backends/internal/caddyargs"
)

// blockOptions are the responses block's:
//
//	responses {
//	    ttl <duration>
//	    max_entries <n>
//	    max_bytes <size>
//	}
func (c *ResponsesConfig) blockOptions() options {
	return options{
		"ttl":         fill(&c.TTL, caddyargs.Duration),
		"max_entries": set(&c.MaxEntries, caddyargs.Int),
		"max_bytes": func(d *caddyfile.Dispenser) error {
			size, err := caddyargs.Size(d)
			c.MaxBytes = int(size)
			return err
		},
	}
}
