package aibackends

import "github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

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
