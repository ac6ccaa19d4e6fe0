package sim

import (
	"math"
	"strconv"

	"github.com/caddyserver/caddy/v2"
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
		err = durationArg(d, &p.Latency)
	case "jitter":
		err = durationArg(d, &p.Jitter)
	case "retry_after":
		err = durationArg(d, &p.RetryAfter)
	case "tokens_per_second":
		err = floatArg(d, &p.TokensPerSecond, 0, math.MaxFloat64)
	case "failure_rate":
		err = floatArg(d, &p.FailureRate, 0, 1)
	case "failure_status":
		err = intArg(d, &p.FailureStatus, 400, 599)
	case "max_output":
		err = intArg(d, &p.MaxOutput, 1, math.MaxInt32)
	case "embedding_dimensions":
		err = intArg(d, &p.EmbeddingDimensions, 1, maxDimensions)
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

func durationArg(d *caddyfile.Dispenser, dst *caddy.Duration) error {
	name := d.Val()
	var s string
	if err := caddyargs.String(d, &s); err != nil {
		return err
	}
	dur, err := caddy.ParseDuration(s)
	if err != nil {
		return d.Errf("%s: %v", name, err)
	}
	if dur < 0 {
		return d.Errf("%s: must not be negative", name)
	}
	*dst = caddy.Duration(dur)
	return nil
}

func floatArg(d *caddyfile.Dispenser, dst *float64, lo, hi float64) error {
	name := d.Val()
	var s string
	if err := caddyargs.String(d, &s); err != nil {
		return err
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || !(f >= lo && f <= hi) {
		return d.Errf("%s: want a number between %g and %g, got %q", name, lo, hi, s)
	}
	*dst = f
	return nil
}

func intArg(d *caddyfile.Dispenser, dst *int, lo, hi int) error {
	name := d.Val()
	var s string
	if err := caddyargs.String(d, &s); err != nil {
		return err
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return d.Errf("%s: want an integer between %d and %d, got %q", name, lo, hi, s)
	}
	*dst = n
	return nil
}
