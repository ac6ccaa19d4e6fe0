package providertest

import (
	"testing"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

// UnmarshalCaddyfile parses src, a `provider <name> <type> { ... }` block,
// into a new T as the handler's Caddyfile hands it to the module, failing
// the test when T rejects it. AssertCaddyfileRejects is its negative.
func UnmarshalCaddyfile[T any, PT interface {
	*T
	caddyfile.Unmarshaler
}](t testing.TB, src string) *T {
	t.Helper()
	m := new(T)
	if err := PT(m).UnmarshalCaddyfile(caddyfile.NewTestDispenser(src)); err != nil {
		t.Fatal(err)
	}
	return m
}
