package anthropic

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got (JSON or JSON lines) with testdata/<name>, or
// rewrites the file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	got = indentJSON(t, got)
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
	if !bytes.Equal(bytes.TrimSpace(want), bytes.TrimSpace(got)) {
		t.Errorf("%s differs from golden file\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// indentJSON pretty-prints a JSON value, or each line of JSON lines.
func indentJSON(t *testing.T, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if err := json.Indent(&out, line, "", "  "); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, line)
		}
		out.WriteByte('\n')
	}
	return out.Bytes()
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
		n := e.Name()
		if strings.HasSuffix(n, ".json") && !strings.HasSuffix(n, ".golden.json") {
			names = append(names, strings.TrimSuffix(n, ".json"))
		}
	}
	if len(names) == 0 {
		t.Fatalf("no cases in testdata/%s", dir)
	}
	return names
}

// mustJSON marshals v for comparisons.
func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// unified decodes a unified request written as OpenAI JSON.
func unified(t testing.TB, js string) *providers.ChatRequest {
	t.Helper()
	var r providers.ChatRequest
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		t.Fatalf("bad test request: %v", err)
	}
	return &r
}

// toAnthropic translates and decodes into a generic map for field checks.
func toAnthropicMap(t *testing.T, js string, o Options) map[string]any {
	t.Helper()
	b, err := ToAnthropic(unified(t, js), o)
	if err != nil {
		t.Fatalf("ToAnthropic: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func asKind(t *testing.T, err error) providers.Kind {
	t.Helper()
	var e *providers.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *providers.Error", err, err)
	}
	return e.Kind
}
