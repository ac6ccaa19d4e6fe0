package caddyargs

import (
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

// First refuses a second block and leaves the arguments to the caller.
func TestFirst(t *testing.T) {
	d := caddyfile.NewTestDispenser("catalog prices.json {\n}")
	d.Next()
	var dst *struct{ n int }
	c, err := First(d, &dst)
	if err != nil || c == nil || dst != c {
		t.Fatalf("first: %v, %p, %p", err, c, dst)
	}
	if !d.NextArg() || d.Val() != "prices.json" {
		t.Fatalf("the argument was consumed: at %q", d.Val())
	}
	d = caddyfile.NewTestDispenser("catalog {\n}")
	d.Next()
	if _, err := First(d, &dst); err == nil || !strings.Contains(err.Error(), "catalog is configured twice") {
		t.Fatalf("second: %v", err)
	}
}
