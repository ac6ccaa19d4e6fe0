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
	return onceBlock(d, &h.Cache, func(c *CacheConfig) options {
		return options{
			"ttl":            fill(&c.TTL, caddyargs.Duration),
			"max_size":       set(&c.MaxSize, caddyargs.Size),
			"all_requests":   flag(&c.AllRequests),
			"stale_if_error": fill(&c.StaleIfError, caddyargs.Duration),
		}
	})
}
