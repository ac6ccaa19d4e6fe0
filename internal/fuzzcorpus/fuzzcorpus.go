// Package fuzzcorpus holds the seed corpora of the fuzz tests: bodies
// written in the test, which a plain test also checks one by one, and
// recorded testdata files. It imports nothing of the module, so package
// providers' own tests can use it too. Only tests import it.
package fuzzcorpus

import (
	"os"
	"path/filepath"
	"testing"
)

// Bodies is a seed corpus of input bodies, written as strings.
type Bodies []string

// Check runs check on every body of the corpus.
func (c Bodies) Check(t *testing.T, check func(*testing.T, []byte)) {
	t.Helper()
	for _, s := range c {
		check(t, []byte(s))
	}
}

// Fuzz seeds f with every body of the corpus and fuzzes check.
func (c Bodies) Fuzz(f *testing.F, check func(*testing.T, []byte)) {
	for _, s := range c {
		f.Add([]byte(s))
	}
	f.Fuzz(check)
}

// Files seeds f with every file under testdata that pattern matches,
// failing when none does (a moved directory would silently leave the fuzz
// target without its recorded cases).
func Files(f *testing.F, pattern string) {
	f.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", pattern))
	if err != nil || len(paths) == 0 {
		f.Fatalf("no seeds for %s", pattern)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}
