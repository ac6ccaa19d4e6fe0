package aibackends

import (
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/sira-ai/caddy-ai-backends/internal/caddyargs"
)

// parseStorage reads:
//
//	storage redis {
//	    address <host:port|redis://...>
//	    password <placeholder>
//	    db <n>
//	    key_prefix <prefix>
//	    timeout <duration>
//	    fail_closed
//	}
func (h *Handler) parseStorage(d *caddyfile.Dispenser) error {
	s, err := caddyargs.First(d, &h.Storage)
	if err != nil {
		return err
	}
	if !d.NextArg() || d.Val() != "redis" {
		return d.Errf("usage: storage redis { address <host:port> ... }")
	}
	rc := &RedisConfig{}
	s.Redis = rc
	if err := readBlock(d, "storage", options{
		"address":     fill(&rc.Address, caddyargs.String),
		"password":    fill(&rc.Password, caddyargs.String),
		"db":          set(&rc.DB, caddyargs.Int),
		"key_prefix":  fill(&rc.KeyPrefix, caddyargs.String),
		"timeout":     fill(&rc.Timeout, caddyargs.Duration),
		"fail_closed": flag(&rc.FailClosed),
	}); err != nil {
		return err
	}
	if rc.Address == "" {
		return d.Err("storage redis: address is required")
	}
	return nil
}
