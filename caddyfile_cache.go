package aibackends

import (
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/sira-ai/caddy-ai-backends/internal/caddyargs"
)

// parseCache reads:
//
//	cache {
//	    ttl <duration>
//	    max_size <size>
//	    all_requests
//	    stale_if_error <duration>
//	}
func (h *Handler) parseCache(d *caddyfile.Dispenser) error {
	c, err := caddyargs.Once(d, &h.Cache)
	if err != nil {
		return err
	}
	return caddyargs.EachOption(d, func(name string) (err error) {
		switch name {
		case "ttl":
			err = caddyargs.Duration(d, &c.TTL)
		case "stale_if_error":
			err = caddyargs.Duration(d, &c.StaleIfError)
		case "max_size":
			c.MaxSize, err = caddyargs.Size(d)
		case "all_requests":
			c.AllRequests = true
		default:
			err = caddyargs.Unrecognized(d, "cache", name)
		}
		return err
	})
}
