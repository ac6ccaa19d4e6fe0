package aibackends

import (
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/sira-ai/caddy-ai-backends/internal/caddyargs"
)

// unmarshalMore parses every subdirective that caddyfile.go does not: the
// blocks of their own files (cache, security, catalog, responses) and the
// one-line options.
func (h *Handler) unmarshalMore(d *caddyfile.Dispenser) error {
	switch d.Val() {
	case "cache":
		return h.parseCache(d)
	case "security":
		return h.parseSecurity(d)
	case "storage":
		return h.parseStorage(d)
	case "master_key":
		args := d.RemainingArgs()
		if len(args) == 0 {
			return d.ArgErr()
		}
		h.MasterKeys = append(h.MasterKeys, args...)
		return nil
	case "key_expiry_warning_days":
		n, err := caddyargs.Int(d)
		h.KeyExpiryWarningDays = n
		return err
	case "body_read_timeout":
		return caddyargs.Duration(d, &h.BodyReadTimeout)
	case "audit_prompts":
		h.AuditPrompts = true
		return nil
	case "managed_keys":
		h.ManagedKeys = true
		return caddyargs.None(d)
	case "tracing_content":
		return h.parseTracingContent(d)
	case "catalog":
		return h.parseCatalog(d)
	case "mcp":
		return h.parseMCP(d)
	case "responses":
		return h.parseResponses(d)
	case "degrade_to":
		if !d.AllArgs(&h.DegradeTo) {
			return d.ArgErr()
		}
		return nil
	}
	return d.Errf("unrecognized ai_backends subdirective %q", d.Val())
}

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
	if h.Storage != nil {
		return d.Err("storage is configured twice")
	}
	if !d.NextArg() || d.Val() != "redis" {
		return d.Errf("usage: storage redis { address <host:port> ... }")
	}
	rc := &RedisConfig{}
	h.Storage = &StorageConfig{Redis: rc}
	if err := caddyargs.EachOption(d, func(name string) (err error) {
		switch name {
		case "address":
			err = caddyargs.String(d, &rc.Address)
		case "password":
			err = caddyargs.String(d, &rc.Password)
		case "db":
			rc.DB, err = caddyargs.Int(d)
		case "key_prefix":
			err = caddyargs.String(d, &rc.KeyPrefix)
		case "timeout":
			err = caddyargs.Duration(d, &rc.Timeout)
		case "fail_closed":
			rc.FailClosed = true
		default:
			err = caddyargs.Unrecognized(d, "storage", name)
		}
		return err
	}); err != nil {
		return err
	}
	if rc.Address == "" {
		return d.Err("storage redis: address is required")
	}
	return nil
}
