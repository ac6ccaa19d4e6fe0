package aibackends

import (
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

// parseCatalog reads:
//
//	catalog [<file>] {
//	    file     <path>
//	    url      <url>
//	    refresh  <duration>
//	    max_size <size>
//	    timeout  <duration>
//	}
func (h *Handler) parseCatalog(d *caddyfile.Dispenser) error {
	if h.Catalog != nil {
		return d.Err("catalog is configured twice")
	}
	c := &CatalogConfig{}
	h.Catalog = c
	switch args := d.RemainingArgs(); len(args) {
	case 0:
	case 1:
		c.File = args[0]
	default:
		return d.ArgErr()
	}
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		var err error
		switch d.Val() {
		case "file":
			if !d.AllArgs(&c.File) {
				return d.ArgErr()
			}
		case "url":
			if !d.AllArgs(&c.URL) {
				return d.ArgErr()
			}
		case "refresh":
			err = durationArg(d, &c.Refresh)
		case "timeout":
			err = durationArg(d, &c.Timeout)
		case "max_size":
			c.MaxSize, err = sizeArg(d)
		default:
			return d.Errf("unrecognized catalog option %q", d.Val())
		}
		if err != nil {
			return err
		}
	}
	switch {
	case c.File == "" && c.URL == "":
		return d.Err("catalog: set a file or a url")
	case c.File != "" && c.URL != "":
		return d.Err("catalog: set a file or a url, not both")
	}
	return nil
}
