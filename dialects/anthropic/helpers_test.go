package anthropic

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
	wire "github.com/sira-ai/caddy-ai-backends/providers/anthropic"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got (JSON) with testdata/<name>, or rewrites the file
// with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	var indented bytes.Buffer
	if err := json.Indent(&indented, got, "", "  "); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, got)
	}
	indented.WriteByte('\n')
	if *update {
		if err := os.WriteFile(path, indented.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(bytes.TrimSpace(want), bytes.TrimSpace(indented.Bytes())) {
		t.Errorf("%s differs from golden file\n--- got\n%s\n--- want\n%s", name, indented.Bytes(), want)
	}
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// casesIn lists the input files of a golden directory (names without .golden).
func casesIn(t *testing.T, dir string) []string {
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

// mustJSON marshals v as the Messages API writes JSON.
func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := wire.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// translateAll reads an Anthropic event stream into unified chunks with the
// provider's translator, as an Anthropic upstream's answer arrives.
func translateAll(t testing.TB, stream []byte) ([]*providers.ChatChunk, *wire.StreamTranslator, error) {
	t.Helper()
	tr := wire.NewStreamTranslator(1700000000)
	r := providers.NewSSEReader(bytes.NewReader(stream))
	var out []*providers.ChatChunk
	for !tr.Done() {
		ev, err := r.Next()
		if err == io.EOF {
			return out, tr, io.EOF
		}
		if err != nil {
			return out, tr, err
		}
		chunks, err := tr.Translate(ev.Name, ev.Data)
		out = append(out, chunks...)
		if err != nil {
			return out, tr, err
		}
	}
	return out, tr, nil
}
