package aibackends

import (
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/sira-ai/caddy-ai-backends/internal/caddyargs"
)

// blockOptions are the security block's:
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
func (s *SecurityConfig) blockOptions() options {
	return options{
		"max_depth":        set(&s.MaxDepth, caddyargs.Int),
		"filter":           s.parseFilter,
		"redact_responses": flag(&s.RedactResponses),
		"anomaly":          s.parseAnomaly,
	}
}

// parseFilter reads `filter redact|block [<detector>...]`.
func (s *SecurityConfig) parseFilter(d *caddyfile.Dispenser) error {
	args := d.RemainingArgs()
	if len(args) == 0 || (args[0] != "redact" && args[0] != "block") {
		return d.Errf("usage: filter redact|block [email|phone|card|secret...]")
	}
	s.FilterAction, s.Detectors = args[0], args[1:]
	return nil
}

func (s *SecurityConfig) parseAnomaly(d *caddyfile.Dispenser) error {
	a := &AnomalyConfig{}
	s.Anomaly = a
	return readBlock(d, "anomaly", options{
		"factor":    set(&a.Factor, caddyargs.Float),
		"min_rate":  set(&a.MinRate, caddyargs.Float),
		"baseline":  fill(&a.Baseline, caddyargs.Duration),
		"cool_down": fill(&a.CoolDown, caddyargs.Duration),
	})
}
