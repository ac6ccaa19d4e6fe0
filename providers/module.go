package providers

import (
	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

// Module is what each built-in provider type is: a Caddy module in
// Namespace that provisions itself (its type's defaults through
// Config.Provision), releases what it holds on Cleanup (Config's Cleanup,
// for most), parses its Caddyfile block (Config.UnmarshalBlock plus its own
// options) and serves as a Provider. The handler itself asks a loaded module
// only for Provider; Module is the contract a provider type checks at
// compile time, in one line:
//
//	var _ providers.Module = (*Provider)(nil)
//
// plus one line for each optional operation it offers (Embedder,
// ImageGenerator, …).
type Module interface {
	caddy.Module
	caddy.Provisioner
	caddy.CleanerUpper
	caddyfile.Unmarshaler
	Provider
}
