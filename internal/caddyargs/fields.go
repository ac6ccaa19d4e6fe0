package caddyargs

import "github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

// Readers for the option shapes that fill a config struct's strings, lists
// and maps, so that each provider type's block reads them, and words their
// errors, the same way.

// StringField reads the single argument of the current subdirective into
// the field that fields lists for its name, and reports whether fields lists
// it: a block's plain string options as one table.
func StringField(d *caddyfile.Dispenser, fields map[string]*string) (bool, error) {
	dst, ok := fields[d.Val()]
	if !ok {
		return false, nil
	}
	return true, String(d, dst)
}

// Append appends the arguments, at least one, to *dst: a repeatable list
// such as `models <name>...`.
func Append(d *caddyfile.Dispenser, dst *[]string) error {
	args := d.RemainingArgs()
	if len(args) == 0 {
		return d.ArgErr()
	}
	*dst = append(*dst, args...)
	return nil
}

// MapEntry reads `<subdirective> <key> <value>` into (*dst)[key], making the
// map on first use: a repeatable pair such as `header <name> <value>`. The
// error for any other number of arguments shows the usage, with args naming
// the two arguments ("<name> <value>").
func MapEntry(d *caddyfile.Dispenser, dst *map[string]string, args string) error {
	name := d.Val()
	var key, value string
	if !d.AllArgs(&key, &value) {
		return d.Err("usage: " + name + " " + args)
	}
	if *dst == nil {
		*dst = map[string]string{}
	}
	(*dst)[key] = value
	return nil
}
