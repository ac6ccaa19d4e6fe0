// Package named holds the tables that map a configuration name to a
// built-in implementation (balancing policies, routing strategies).
package named

import (
	"fmt"
	"strings"
)

// Entry is one built-in: the name a configuration gives and what makes it.
type Entry[F any] struct {
	Name string
	Make F
}

// Table lists built-ins in the order Names reports them.
type Table[F any] []Entry[F]

// Find returns what makes the built-in called name. The error for an
// unknown name lists the valid ones: "<pkg>: unknown <kind> "x" (valid:
// a, b)".
func (t Table[F]) Find(pkg, kind, name string) (F, error) {
	for _, e := range t {
		if e.Name == name {
			return e.Make, nil
		}
	}
	var none F
	return none, fmt.Errorf("%s: unknown %s %q (valid: %s)", pkg, kind, name, strings.Join(t.Names(), ", "))
}

// Names returns the built-ins' names in order.
func (t Table[F]) Names() []string {
	names := make([]string, len(t))
	for i, e := range t {
		names[i] = e.Name
	}
	return names
}
