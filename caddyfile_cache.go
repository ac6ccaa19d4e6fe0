package aibackends

import "github.com/sira-ai/caddy-ai-backends/internal/caddyargs"

// blockOptions are the cache block's:
//
//	cache {
//	    ttl <duration>
//	    max_size <size>
//	    all_requests
//	    stale_if_error <duration>
//	}
func (c *CacheConfig) blockOptions() options {
	return options{
		"ttl":            fill(&c.TTL, caddyargs.Duration),
		"max_size":       set(&c.MaxSize, caddyargs.Size),
		"all_requests":   flag(&c.AllRequests),
		"stale_if_error": fill(&c.StaleIfError, caddyargs.Duration),
	}
}
