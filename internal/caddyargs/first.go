package caddyargs

import "github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

// First starts a block that may appear once and whose arguments the caller
// reads, such as `catalog [<file>] { ... }`: it sets *dst to a new T and
// returns it. (Once is the same for a block without arguments.)
func First[T any](d *caddyfile.Dispenser, dst **T) (*T, error) {
	if *dst != nil {
		return nil, d.Errf("%s is configured twice", d.Val())
	}
	*dst = new(T)
	return *dst, nil
}
