package aibackends

import (
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/sira-ai/caddy-ai-backends/internal/caddyargs"
)

// The handler's Caddyfile blocks are tables: a block lists its
// subdirectives with the reader of each, so the walk over the block, the
// lookup and the error for an unknown subdirective are written once. A
// reader stands on its subdirective's name and consumes its arguments (and
// its own block, if it has one), as the caddyargs readers do.

// optionReader reads one subdirective.
type optionReader = func(d *caddyfile.Dispenser) error

// options maps a block's subdirectives to their readers.
type options map[string]optionReader

// readBlock reads the block that follows the current line with opts; a
// subdirective opts lacks is an unrecognized option of block.
func readBlock(d *caddyfile.Dispenser, block string, opts options) error {
	return opts.read(d, func(name string) error { return caddyargs.Unrecognized(d, block, name) })
}

// read reads the block that follows the current line; unknown is the error
// for a subdirective o lacks.
func (o options) read(d *caddyfile.Dispenser, unknown func(name string) error) error {
	return caddyargs.EachOption(d, func(name string) error {
		if read, ok := o[name]; ok {
			return read(d)
		}
		return unknown(name)
	})
}

// once is the reader of a block that may appear once and takes no
// arguments, such as `cache { ... }`: it reads the block into a new *dst
// with the options opts gives for it, and refuses an unknown subdirective
// under the block's name.
func once[T any](dst **T, opts func(*T) options) optionReader {
	return func(d *caddyfile.Dispenser) error {
		block := d.Val()
		c, err := caddyargs.Once(d, dst)
		if err != nil {
			return err
		}
		return readBlock(d, block, opts(c))
	}
}

// set is the option whose value read (caddyargs.Int, Float, Size, ...)
// returns into *dst.
func set[T any](dst *T, read func(*caddyfile.Dispenser) (T, error)) optionReader {
	return func(d *caddyfile.Dispenser) (err error) {
		*dst, err = read(d)
		return err
	}
}

// fill is the option whose value read (caddyargs.String, Duration) writes
// into *dst.
func fill[T any](dst *T, read func(*caddyfile.Dispenser, *T) error) optionReader {
	return func(d *caddyfile.Dispenser) error { return read(d, dst) }
}

// flag is an option without arguments that turns *dst on.
func flag(dst *bool) optionReader {
	return func(d *caddyfile.Dispenser) error {
		*dst = true
		return caddyargs.None(d)
	}
}

// appendArgs is a repeatable option whose arguments add to *dst.
func appendArgs(dst *[]string) optionReader {
	return func(d *caddyfile.Dispenser) error {
		*dst = append(*dst, d.RemainingArgs()...)
		return nil
	}
}
