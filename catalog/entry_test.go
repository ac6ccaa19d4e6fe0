package catalog

import (
	"context"
	"testing"
	"time"
)

func ptr[T any](v T) *T { return &v }

// model_override > loaded catalog > built-in table, field by field for the
// override (it replaces only what it sets).
func TestEntryPrecedence(t *testing.T) {
	path := writeFile(t, priced("gpt-4o", 3e-06))
	l := fileLoader(t, path)
	builtinSpec, _ := Lookup("gpt-4o")

	if got := (*Loader)(nil).Entry("openai", nil, "gpt-4o").Spec(); got != builtinSpec {
		t.Errorf("no catalog: %+v, want the built-in spec", got)
	}
	loaded := l.Entry("openai", nil, "gpt-4o").Spec()
	if loaded.Prices.Input != 3 || loaded.Prices.Output != 10 || loaded.ContextWindow != 0 {
		t.Errorf("catalog: %+v, want the loaded entry whole (input 3, no window)", loaded)
	}
	o := &Override{Input: ptr(7.0), ContextWindow: ptr(1000)}
	over := l.Entry("openai", o, "gpt-4o").Spec()
	if over.Prices.Input != 7 || over.ContextWindow != 1000 || over.Prices.Output != 10 {
		t.Errorf("override: %+v, want input 7 and window 1000 over the loaded output 10", over)
	}
	if got := l.Entry("openai", nil, "gpt-4o-mini").Spec(); got != builtin["gpt-4o-mini"] {
		t.Errorf("a model only the built-in table has: %+v", got)
	}
	// The upstream ID is looked up before the public name in each source,
	// and the loaded catalog before the built-in table for both.
	if got := l.Entry("openai", nil, "gpt-4o-mini", "gpt-4o").Spec(); got.Prices.Input != 3 {
		t.Errorf("upstream gpt-4o-mini, public gpt-4o: input %v, want the loaded 3", got.Prices.Input)
	}
}

func TestEntryOfUnknownModelIsCapableUnpricedAndUnknown(t *testing.T) {
	l := fileLoader(t, writeFile(t, priced("gpt-4o", 3e-06)))
	s, known := l.Entry("openai_compatible", nil, "llama-local").Get()
	if known || s != unknownSpec {
		t.Fatalf("got %+v known=%v, want unknownSpec, unknown", s, known)
	}
	if Cost(Tokens{Input: 1000, Output: 1000}, s.Prices) != 0 {
		t.Fatal("an unknown model must cost 0")
	}
	// An override makes a model known, on top of an empty spec as before.
	s, known = l.Entry("openai_compatible", &Override{Input: ptr(1.0)}, "llama-local").Get()
	if !known || s.Prices.Input != 1 || s.Tools {
		t.Fatalf("override of an unknown model: %+v known=%v", s, known)
	}
}

// A reload changes what an existing Entry returns: deployments need no
// config reload to see new prices.
func TestEntrySeesReloadedPrices(t *testing.T) {
	l, clock, path := clockedLoader(t, priced("new-model", 1e-06), 0)
	e := l.Entry("openai", &Override{Output: ptr(99.0)}, "new-model")
	if _, known := e.Get(); known != true {
		t.Fatal("with an override the model is known even before a load")
	}
	if e.Spec().Prices.Input != 0 {
		t.Fatal("nothing loaded yet: no input price")
	}
	if err := l.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := e.Spec().Prices; got.Input != 1 || got.Output != 99 {
		t.Fatalf("after the first load: %+v, want input 1, output 99 (override)", got)
	}
	rewrite(t, path, priced("new-model", 2e-06), clock.Now().Add(time.Minute))
	if err := l.Poll(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := e.Spec().Prices; got.Input != 2 || got.Output != 99 {
		t.Fatalf("after the change: %+v, want input 2, output 99", got)
	}
}

// The hot path: an unchanged table costs no allocation.
func TestEntrySpecDoesNotAllocate(t *testing.T) {
	l := fileLoader(t, writeFile(t, priced("gpt-4o", 3e-06)))
	e := l.Entry("openai", nil, "gpt-4o")
	e.Spec()
	if n := testing.AllocsPerRun(100, func() { _ = e.Spec() }); n != 0 {
		t.Fatalf("Spec allocates %v times", n)
	}
}

func BenchmarkEntrySpec(b *testing.B) {
	e := (*Loader)(nil).Entry("openai", nil, "gpt-4o")
	for b.Loop() {
		_ = e.Spec()
	}
}
