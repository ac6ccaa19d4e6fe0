package aibackends

import (
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/sira-ai/caddy-ai-backends/internal/caddyargs"
)

// parseResponses reads:
//
//	responses {
//	    ttl <duration>
//	    max_entries <n>
//	    max_bytes <size>
//	}
func (h *Handler) parseResponses(d *caddyfile.Dispenser) error {
	return onceBlock(d, &h.Responses, func(c *ResponsesConfig) options {
		return options{
			"ttl":         fill(&c.TTL, caddyargs.Duration),
			"max_entries": set(&c.MaxEntries, caddyargs.Int),
			"max_bytes": func(d *caddyfile.Dispenser) error {
				size, err := caddyargs.Size(d)
				c.MaxBytes = int(size)
				return err
			},
		}
	})
}
