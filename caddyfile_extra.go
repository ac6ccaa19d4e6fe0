package aibackends

import (
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

// unmarshalMore parses the subdirectives of the cache, security and
// degraded-mode features.
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
		n, err := intArg(d)
		h.KeyExpiryWarningDays = n
		return err
	case "body_read_timeout":
		return durationArg(d, &h.BodyReadTimeout)
	case "audit_prompts":
		h.AuditPrompts = true
		return nil
	case "tracing_content":
		return h.parseTracingContent(d)
	case "catalog":
		return h.parseCatalog(d)
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

// parseSecurity reads:
//
//	security {
//	    max_depth <n>
//	    filter redact|block [<detector>...]
//	    redact_responses
//	    anomaly {
//	        factor <x>
//	        min_rate <requests/s>
//	        baseline <duration>
//	        cool_down <duration>
//	    }
//	}
func (h *Handler) parseSecurity(d *caddyfile.Dispenser) error {
	if h.Security != nil {
		return d.Err("security is configured twice")
	}
	s := &SecurityConfig{}
	h.Security = s
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		var err error
		switch d.Val() {
		case "max_depth":
			s.MaxDepth, err = intArg(d)
		case "filter":
			args := d.RemainingArgs()
			if len(args) == 0 || (args[0] != "redact" && args[0] != "block") {
				return d.Errf("usage: filter redact|block [email|phone|card|secret...]")
			}
			s.FilterAction, s.Detectors = args[0], args[1:]
		case "redact_responses":
			s.RedactResponses = true
		case "anomaly":
			err = parseAnomaly(d, s)
		default:
			return d.Errf("unrecognized security option %q", d.Val())
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func parseAnomaly(d *caddyfile.Dispenser, s *SecurityConfig) error {
	a := &AnomalyConfig{}
	s.Anomaly = a
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		var err error
		switch d.Val() {
		case "factor":
			a.Factor, err = floatArg(d)
		case "min_rate":
			a.MinRate, err = floatArg(d)
		case "baseline":
			err = durationArg(d, &a.Baseline)
		case "cool_down":
			err = durationArg(d, &a.CoolDown)
		default:
			return d.Errf("unrecognized anomaly option %q", d.Val())
		}
		if err != nil {
			return err
		}
	}
	return nil
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
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		var err error
		switch d.Val() {
		case "address":
			if !d.AllArgs(&rc.Address) {
				return d.ArgErr()
			}
		case "password":
			if !d.AllArgs(&rc.Password) {
				return d.ArgErr()
			}
		case "db":
			rc.DB, err = intArg(d)
		case "key_prefix":
			if !d.AllArgs(&rc.KeyPrefix) {
				return d.ArgErr()
			}
		case "timeout":
			err = durationArg(d, &rc.Timeout)
		case "fail_closed":
			rc.FailClosed = true
		default:
			return d.Errf("unrecognized storage option %q", d.Val())
		}
		if err != nil {
			return err
		}
	}
	if rc.Address == "" {
		return d.Err("storage redis: address is required")
	}
	return nil
}
