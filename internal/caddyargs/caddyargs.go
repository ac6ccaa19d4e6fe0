// Package caddyargs reads the arguments and blocks of Caddyfile
// subdirectives, so that every block of the handler and of the built-in
// providers accepts values and words its errors the same way.
//
// Each reader stands on a subdirective's name (d.Val()) and consumes its
// arguments; the error names the subdirective.
package caddyargs

import (
	"strconv"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
	"github.com/dustin/go-humanize"
)

// EachOption calls option with the name of each subdirective in the block
// that follows the current line, and stops at the first error.
func EachOption(d *caddyfile.Dispenser, option func(name string) error) error {
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		if err := option(d.Val()); err != nil {
			return err
		}
	}
	return nil
}

// Once starts a block that may appear once and takes no arguments, such as
// `cache { ... }`: it sets *dst to a new T and returns it.
func Once[T any](d *caddyfile.Dispenser, dst **T) (*T, error) {
	if *dst != nil {
		return nil, d.Errf("%s is configured twice", d.Val())
	}
	if err := None(d); err != nil {
		return nil, err
	}
	*dst = new(T)
	return *dst, nil
}

// Unrecognized is the error for a subdirective the block does not know.
func Unrecognized(d *caddyfile.Dispenser, block, name string) error {
	return d.Errf("unrecognized %s option %q", block, name)
}

// None checks that the subdirective has no arguments (a flag).
func None(d *caddyfile.Dispenser) error {
	if d.NextArg() {
		return d.ArgErr()
	}
	return nil
}

// String reads the single argument into dst.
func String(d *caddyfile.Dispenser, dst *string) error {
	if !d.AllArgs(dst) {
		return d.ArgErr()
	}
	return nil
}

// Int reads one non-negative integer.
func Int(d *caddyfile.Dispenser) (int, error) {
	return value(d, strconv.Atoi, func(n int) bool { return n >= 0 }, "a non-negative integer")
}

// PositiveInt reads one integer of at least 1.
func PositiveInt(d *caddyfile.Dispenser) (int, error) {
	return value(d, strconv.Atoi, func(n int) bool { return n >= 1 }, "a positive integer")
}

// Float reads one non-negative number.
func Float(d *caddyfile.Dispenser) (float64, error) {
	return value(d, parseFloat, func(f float64) bool { return f >= 0 }, "a non-negative number")
}

// IntBetween reads one integer from lo to hi.
func IntBetween(d *caddyfile.Dispenser, lo, hi int) (int, error) {
	return value(d, strconv.Atoi, func(n int) bool { return n >= lo && n <= hi },
		"an integer between "+strconv.Itoa(lo)+" and "+strconv.Itoa(hi))
}

// FloatBetween reads one number from lo to hi.
func FloatBetween(d *caddyfile.Dispenser, lo, hi float64) (float64, error) {
	return value(d, parseFloat, func(f float64) bool { return f >= lo && f <= hi },
		"a number between "+strconv.FormatFloat(lo, 'g', -1, 64)+" and "+strconv.FormatFloat(hi, 'g', -1, 64))
}

// Duration reads one duration in Caddy's syntax (which adds days, "1d").
// Every duration in these blocks is a timeout, an interval or an age, so a
// negative one is refused.
func Duration(d *caddyfile.Dispenser, dst *caddy.Duration) error {
	name := d.Val()
	var s string
	if err := String(d, &s); err != nil {
		return err
	}
	dur, err := caddy.ParseDuration(s)
	if err != nil {
		return d.Errf("%s: %v", name, err)
	}
	if dur < 0 {
		return d.Errf("%s: must not be negative, got %q", name, s)
	}
	*dst = caddy.Duration(dur)
	return nil
}

// Size reads one size such as 64MiB or 1048576: more than zero and at most
// 1 TiB.
func Size(d *caddyfile.Dispenser) (int64, error) {
	size, err := value(d, humanize.ParseBytes, func(n uint64) bool { return n > 0 && n <= 1<<40 }, "a size from 1B to 1TiB")
	return int64(size), err
}

// value reads one argument with parse and accepts it if ok says so; the
// error names the subdirective and what it wants.
func value[T any](d *caddyfile.Dispenser, parse func(string) (T, error), ok func(T) bool, want string) (T, error) {
	name := d.Val()
	var s string
	if err := String(d, &s); err != nil {
		var zero T
		return zero, err
	}
	v, err := parse(s)
	if err != nil || !ok(v) {
		var zero T
		return zero, d.Errf("%s: want %s, got %q", name, want, s)
	}
	return v, nil
}

func parseFloat(s string) (float64, error) { return strconv.ParseFloat(s, 64) }
