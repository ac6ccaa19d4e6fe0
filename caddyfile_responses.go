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
	c, err := caddyargs.Once(d, &h.Responses)
	if err != nil {
		return err
	}
	return caddyargs.EachOption(d, func(name string) (err error) {
		switch name {
		case "ttl":
			err = caddyargs.Duration(d, &c.TTL)
		case "max_entries":
			c.MaxEntries, err = caddyargs.Int(d)
		case "max_bytes":
			var size int64
			size, err = caddyargs.Size(d)
			c.MaxBytes = int(size)
		default:
			err = caddyargs.Unrecognized(d, "responses", name)
		}
		return err
	})
}
