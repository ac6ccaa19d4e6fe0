// Package golden is the golden-file harness the translator tests share:
// inputs and expected outputs live in the test package's testdata folder,
// and `go test -update` rewrites the expected files from what the code
// produces now (review the diff before committing it).
package golden

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// Read returns testdata/name, failing the test when it cannot.
func Read(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Cases lists the inputs of a golden folder: its .json files that are not
// .golden.json, without the extension.
func Cases(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join("testdata", dir))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); strings.HasSuffix(n, ".json") && !strings.HasSuffix(n, ".golden.json") {
			names = append(names, strings.TrimSuffix(n, ".json"))
		}
	}
	if len(names) == 0 {
		t.Fatalf("no cases in testdata/%s", dir)
	}
	return names
}

// JSON compares got (one JSON value, or JSON lines) with testdata/name,
// indented, or rewrites the file under -update. A single value that is
// equal by value to the file passes even if spelled differently.
func JSON(t testing.TB, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	got = Indent(t, got)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if bytes.Equal(bytes.TrimSpace(want), bytes.TrimSpace(got)) || sameValue(got, want) {
		return
	}
	t.Errorf("%s differs from golden file\n--- got\n%s\n--- want\n%s", name, got, want)
}

// Indent pretty-prints a JSON value, or each line of JSON lines.
func Indent(t testing.TB, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if err := json.Indent(&out, line, "", "  "); err != nil {
			// An indented single value spans lines: indent it whole.
			out.Reset()
			if err := json.Indent(&out, b, "", "  "); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, b)
			}
			out.WriteByte('\n')
			return out.Bytes()
		}
		out.WriteByte('\n')
	}
	return out.Bytes()
}

func sameValue(a, b []byte) bool {
	var x, y any
	return json.Unmarshal(a, &x) == nil && json.Unmarshal(b, &y) == nil && reflect.DeepEqual(x, y)
}
