package aibackends

// The argument readers every Caddyfile block shares: one value after a
// subdirective, as a duration, a size, an int or a float.

import (
	"strconv"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
	"github.com/dustin/go-humanize"
)

func durationArg(d *caddyfile.Dispenser, dst *caddy.Duration) error {
	var s string
	if !d.AllArgs(&s) {
		return d.ArgErr()
	}
	dur, err := caddy.ParseDuration(s)
	if err != nil {
		return d.WrapErr(err)
	}
	*dst = caddy.Duration(dur)
	return nil
}

// sizeArg reads one size argument such as 64MiB or 1048576: more than
// zero and at most 1 TiB.
func sizeArg(d *caddyfile.Dispenser) (int64, error) {
	name := d.Val()
	var s string
	if !d.AllArgs(&s) {
		return 0, d.ArgErr()
	}
	size, err := humanize.ParseBytes(s)
	if err != nil || size == 0 || size > 1<<40 {
		return 0, d.Errf("%s: invalid size %q", name, s)
	}
	return int64(size), nil
}

func intArg(d *caddyfile.Dispenser) (int, error) {
	var s string
	if !d.AllArgs(&s) {
		return 0, d.ArgErr()
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, d.Errf("%s: want a non-negative integer, got %q", d.Val(), s)
	}
	return n, nil
}

func floatArg(d *caddyfile.Dispenser) (float64, error) {
	var s string
	if !d.AllArgs(&s) {
		return 0, d.ArgErr()
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 {
		return 0, d.Errf("%s: want a non-negative number, got %q", d.Val(), s)
	}
	return f, nil
}

// Interface guard
var _ caddyfile.Unmarshaler = (*Handler)(nil)
