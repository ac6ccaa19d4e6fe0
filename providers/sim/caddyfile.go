package sim

import (
	"math"
	"strconv"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/sira-ai/caddy-ai-backends/internal/caddyargs"
)

// UnmarshalCaddyfile parses a simulator block; the shared options are
// documented at providers.Config.UnmarshalBlock.
//
//	provider <name> sim {
//	    latency              <duration>
//	    jitter               <duration>
//	    tokens_per_second    <n>
//	    failure_rate         <0..1>
//	    failure_status       <code>
//	    retry_after          <duration>
//	    max_output           <n>
//	    embedding_dimensions <n>
//	    seed                 <n>
//	}
func (p *Provider) UnmarshalCaddyfile(d *caddyfile.Dispenser) error {
	return p.Config.UnmarshalBlock(d, p.unmarshalOption)
}

// unmarshalOption parses one simulator subdirective and reports whether it
// knew it.
func (p *Provider) unmarshalOption(d *caddyfile.Dispenser) (bool, error) {
	var err error
	switch d.Val() {
	case "latency":
		err = caddyargs.Duration(d, &p.Latency)
	case "jitter":
		err = caddyargs.Duration(d, &p.Jitter)
	case "retry_after":
		err = caddyargs.Duration(d, &p.RetryAfter)
	case "tokens_per_second":
		p.TokensPerSecond, err = caddyargs.FloatBetween(d, 0, math.MaxFloat64)
	case "failure_rate":
		p.FailureRate, err = caddyargs.FloatBetween(d, 0, 1)
	case "failure_status":
		p.FailureStatus, err = caddyargs.IntBetween(d, 400, 599)
	case "max_output":
		p.MaxOutput, err = caddyargs.IntBetween(d, 1, math.MaxInt32)
	case "embedding_dimensions":
		p.EmbeddingDimensions, err = caddyargs.IntBetween(d, 1, maxDimensions)
	case "seed":
		var s string
		if err = caddyargs.String(d, &s); err == nil {
			n, perr := strconv.ParseInt(s, 10, 64)
			if perr != nil {
				return true, d.Errf("seed: want an integer, got %q", s)
			}
			p.Seed = &n
		}
	default:
		return false, nil
	}
	return true, err
}
