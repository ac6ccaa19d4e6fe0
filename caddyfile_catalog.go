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
	c, err := caddyargs.First(d, &h.Catalog)
	if err != nil {
		return err
	}
	switch args := d.RemainingArgs(); len(args) {
	case 0:
	case 1:
		c.File = args[0]
	default:
		return d.ArgErr()
	}
	if err := readBlock(d, "catalog", options{
		"file":     fill(&c.File, caddyargs.String),
		"url":      fill(&c.URL, caddyargs.String),
		"refresh":  fill(&c.Refresh, caddyargs.Duration),
		"max_size": set(&c.MaxSize, caddyargs.Size),
		"timeout":  fill(&c.Timeout, caddyargs.Duration),
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
