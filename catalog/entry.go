package catalog

import "sync/atomic"

// unknownSpec is what a model no source knows may do: a capable chat model,
// so that routing does not exclude it. It has no prices: its cost is 0,
// never a guess (see Entry.Known).
var unknownSpec = Spec{Tools: true, Vision: true, JSONMode: true, Streaming: true}

// Entry is one deployment's view of the catalog: the spec of its model by
// the order of precedence
//
//	model_override > loaded catalog (Loader) > built-in table
//
// re-resolved when a reload swaps the loaded table, so new prices apply
// without a config reload. Spec costs two atomic loads and a comparison
// while the table is unchanged.
type Entry struct {
	src          *Loader // nil: built-in table only
	providerType string
	names        []string  // model IDs to look up, in order
	override     *Override // nil: none
	cache        atomic.Pointer[resolved]
}

type resolved struct {
	gen   uint64
	spec  Spec
	known bool
}

// Entry returns the catalog entry of a model served by a provider of the
// given type, looked up under each name in turn (the upstream model ID,
// then the public name). l may be nil (no loaded catalog).
func (l *Loader) Entry(providerType string, override *Override, names ...string) *Entry {
	return &Entry{src: l, providerType: providerType, names: names, override: override}
}

// Spec returns the model's current spec.
func (e *Entry) Spec() Spec {
	return e.current().spec
}

// Get returns the model's current spec and whether it is known (Known).
func (e *Entry) Get() (Spec, bool) {
	r := e.current()
	return r.spec, r.known
}

// Known reports whether any source (an override, the loaded catalog or
// the built-in table) knows the model. An unknown model has unknownSpec:
// capable, and costed at 0.
func (e *Entry) Known() bool {
	return e.current().known
}

func (e *Entry) current() *resolved {
	t := e.src.table()
	gen := uint64(0)
	if t != nil {
		gen = t.gen
	}
	if r := e.cache.Load(); r != nil && r.gen == gen {
		return r
	}
	r := &resolved{gen: gen}
	r.spec, r.known = e.resolve(t)
	e.cache.Store(r) // a racing resolve stores an equal value
	return r
}

func (e *Entry) resolve(t *table) (Spec, bool) {
	spec, known := Spec{}, false
	if t != nil {
		for _, n := range e.names {
			if spec, known = t.lookup(e.providerType, n); known {
				break
			}
		}
	}
	if !known {
		for _, n := range e.names {
			if spec, known = Lookup(n); known {
				break
			}
		}
	}
	if e.override != nil {
		return e.override.Apply(spec), true
	}
	if !known {
		return unknownSpec, false
	}
	return spec, true
}
