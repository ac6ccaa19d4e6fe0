package aibackends

import (
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

// parseResponses reads:
//
//	responses {
//	    ttl <duration>
//	    max_entries <n>
//	    max_bytes <size>
//	}
func (h *Handler) parseResponses(d *caddyfile.Dispenser) error {
	if h.Responses != nil {
		return d.Err("responses is configured twice")
	}
	c := &ResponsesConfig{}
	h.Responses = c
	if d.NextArg() {
		return d.ArgErr()
	}
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		var err error
		switch d.Val() {
		case "ttl":
			err = durationArg(d, &c.TTL)
		case "max_entries":
			c.MaxEntries, err = intArg(d)
		case "max_bytes":
			var size int64
			size, err = sizeArg(d)
			c.MaxBytes = int(size)
		default:
			return d.Errf("unrecognized responses option %q", d.Val())
		}
		if err != nil {
			return err
		}
	}
	return nil
}
