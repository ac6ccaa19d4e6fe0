package aibackends

import (
	"testing"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

// caddyfileHandler is the handler the Caddyfile src configures (parsed,
// not provisioned); a parse error fails the test.
func caddyfileHandler(t *testing.T, src string) *Handler {
	t.Helper()
	var h Handler
	if err := h.UnmarshalCaddyfile(caddyfile.NewTestDispenser(src)); err != nil {
		t.Fatal(err)
	}
	return &h
}

// caddyfileRejects checks that each Caddyfile in bad, by the name of its
// mistake, fails to parse.
func caddyfileRejects(t *testing.T, bad map[string]string) {
	t.Helper()
	for name, src := range bad {
		var h Handler
		if err := h.UnmarshalCaddyfile(caddyfile.NewTestDispenser(src)); err == nil {
			t.Errorf("%s: accepted %s", name, src)
		}
	}
}
