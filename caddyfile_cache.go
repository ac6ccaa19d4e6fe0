package aibackends

import "github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

// parseCache reads:
//
//	cache {
//	    ttl <duration>
//	    max_size <size>
//	    all_requests
//	    stale_if_error <duration>
//	}
func (h *Handler) parseCache(d *caddyfile.Dispenser) error {
	if h.Cache != nil {
		return d.Err("cache is configured twice")
	}
	c := &CacheConfig{}
	h.Cache = c
	if d.NextArg() {
		return d.ArgErr()
	}
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		var err error
		switch d.Val() {
		case "ttl":
			err = durationArg(d, &c.TTL)
		case "stale_if_error":
			err = durationArg(d, &c.StaleIfError)
		case "max_size":
			c.MaxSize, err = sizeArg(d)
		case "all_requests":
			c.AllRequests = true
		default:
			return d.Errf("unrecognized cache option %q", d.Val())
		}
		if err != nil {
			return err
		}
	}
	return nil
}
