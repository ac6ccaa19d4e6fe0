package catalog

import (
	"bytes"
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/builtin_litellm.json from the built-in table")

const builtinFile = "testdata/builtin_litellm.json"

// TestBuiltinTableMatchesCheckedInCatalog keeps the built-in table and its
// LiteLLM-format copy from drifting apart: changing a price in table_*.go
// fails here until the file is regenerated (go test ./catalog -run
// TestBuiltinTableMatchesCheckedInCatalog -update), and the regenerated
// file must load back into exactly the built-in specs.
func TestBuiltinTableMatchesCheckedInCatalog(t *testing.T) {
	encoded := EncodeBuiltinLiteLLM()
	if *update {
		if err := os.WriteFile(builtinFile, encoded, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	onDisk, err := os.ReadFile(builtinFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(onDisk, encoded) {
		t.Fatalf("%s is not the built-in table; regenerate it with -update", builtinFile)
	}
	d, err := decodeLiteLLM(onDisk)
	if err != nil {
		t.Fatal(err)
	}
	if d.skipped != 0 || len(d.specs) != len(builtin) {
		t.Fatalf("loaded %d entries (%d skipped), the table has %d", len(d.specs), d.skipped, len(builtin))
	}
	for _, name := range Known() {
		if got, want := d.specs[name], builtin[name]; got != want {
			t.Errorf("%s:\n loaded   %+v\n built-in %+v", name, got, want)
		}
		if d.providers[name] == "" {
			t.Errorf("%s has no litellm_provider", name)
		}
	}
}

// The same holds through a Loader: a catalog file holding the built-in
// table gives every built-in model, by every ID Lookup accepts, the spec
// Lookup gives it.
func TestLoaderWithBuiltinCatalogAgreesWithLookup(t *testing.T) {
	l := fileLoader(t, writeFile(t, string(EncodeBuiltinLiteLLM())))
	for _, name := range Known() {
		for _, id := range []string{name, name + "-2025-01-01", "models/" + name, name + "-latest"} {
			want, wantOK := Lookup(id)
			got, ok := l.Lookup("openai_compatible", id)
			if got != want || ok != wantOK {
				t.Errorf("%s: loader %+v %v, built-in %+v %v", id, got, ok, want, wantOK)
			}
		}
	}
}
