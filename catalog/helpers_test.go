package catalog

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// writeFile writes a catalog file in a fresh directory.
func writeFile(t *testing.T, doc string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "prices.json")
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// rewrite replaces a catalog file and gives it a modification time of its
// own, so the change is seen even on a file system with coarse timestamps.
func rewrite(t *testing.T, path, doc string, mod time.Time) {
	t.Helper()
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mod, mod); err != nil {
		t.Fatal(err)
	}
}

// fileLoader returns a loader of path that has loaded it once.
func fileLoader(t *testing.T, path string) *Loader {
	t.Helper()
	l, err := NewLoader(Config{File: path})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	return l
}

// priced is a one-model LiteLLM document.
func priced(model string, inputPerToken float64) string {
	return `{"` + model + `": {"mode": "chat", "input_cost_per_token": ` + ftoa(inputPerToken) + `, "output_cost_per_token": 1e-05}}`
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
