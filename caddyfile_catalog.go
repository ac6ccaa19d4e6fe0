package aibackends

import (
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/sira-ai/caddy-ai-backends/internal/caddyargs"
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
	if err := caddyargs.EachOption(d, func(name string) (err error) {
		switch name {
		case "file":
			err = caddyargs.String(d, &c.File)
		case "url":
			err = caddyargs.String(d, &c.URL)
		case "refresh":
			err = caddyargs.Duration(d, &c.Refresh)
		case "timeout":
			err = caddyargs.Duration(d, &c.Timeout)
		case "max_size":
			c.MaxSize, err = caddyargs.Size(d)
		default:
			err = caddyargs.Unrecognized(d, "catalog", name)
		}
		return err
	}); err != nil {
		return err
	}
	switch {
	case c.File == "" && c.URL == "":
		return d.Err("catalog: set a file or a url")
	case c.File != "" && c.URL != "":
		return d.Err("catalog: set a file or a url, not both")
	}
	return nil
}
