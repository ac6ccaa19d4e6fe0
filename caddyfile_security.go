package aibackends

import (
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/sira-ai/caddy-ai-backends/internal/caddyargs"
)

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
	s, err := caddyargs.Once(d, &h.Security)
	if err != nil {
		return err
	}
	return caddyargs.EachOption(d, func(name string) (err error) {
		switch name {
		case "max_depth":
			s.MaxDepth, err = caddyargs.Int(d)
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
			err = caddyargs.Unrecognized(d, "security", name)
		}
		return err
	})
}

func parseAnomaly(d *caddyfile.Dispenser, s *SecurityConfig) error {
	a := &AnomalyConfig{}
	s.Anomaly = a
	return caddyargs.EachOption(d, func(name string) (err error) {
		switch name {
		case "factor":
			a.Factor, err = caddyargs.Float(d)
		case "min_rate":
			a.MinRate, err = caddyargs.Float(d)
		case "baseline":
			err = caddyargs.Duration(d, &a.Baseline)
		case "cool_down":
			err = caddyargs.Duration(d, &a.CoolDown)
		default:
			err = caddyargs.Unrecognized(d, "anomaly", name)
		}
		return err
	})
}
