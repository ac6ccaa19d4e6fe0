package providertest

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

// UnmarshalCaddyfile parses src, a `provider <name> <type> { ... }` block,
// into a new T as the handler's Caddyfile hands it to the module, failing
// the test when T rejects it. It also checks the rest of the handler's
// path: the JSON the block becomes decodes, strictly as Caddy decodes
// module configs, into a T that encodes to the same JSON.
// AssertCaddyfileRejects is its negative.
func UnmarshalCaddyfile[T any, PT interface {
	*T
	caddyfile.Unmarshaler
}](t testing.TB, src string) *T {
	t.Helper()
	m := new(T)
	if err := PT(m).UnmarshalCaddyfile(caddyfile.NewTestDispenser(src)); err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	strict := json.NewDecoder(bytes.NewReader(raw))
	strict.DisallowUnknownFields()
	back := new(T)
	if err := strict.Decode(back); err != nil {
		t.Fatalf("the block's JSON %s: %v", raw, err)
	}
	if again, _ := json.Marshal(back); !bytes.Equal(again, raw) {
		t.Errorf("the block's JSON %s decodes and encodes as %s", raw, again)
	}
	return m
}
