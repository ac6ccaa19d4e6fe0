// Package fuzzcorpus holds the seed corpora of the decoders' differential
// tests: bodies that a plain test checks one by one and that a fuzz target
// starts from. It imports nothing of the module, so package providers' own
// tests can use it too. Only tests import it.
package fuzzcorpus

import "testing"

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
