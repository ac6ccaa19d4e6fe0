package aibackends

import (
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
	"github.com/dustin/go-humanize"
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
			var s string
			if !d.AllArgs(&s) {
				return d.ArgErr()
			}
			size, perr := humanize.ParseBytes(s)
			if perr != nil || size == 0 || size > 1<<40 {
				return d.Errf("max_bytes: invalid size %q", s)
			}
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
