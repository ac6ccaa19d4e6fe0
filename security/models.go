package security

import (
	"fmt"
	"strings"
)

// modelMatcher implements a key's model allow-list. Exact names go in a map
// and wildcard prefixes in a short slice, so a check never allocates.
type modelMatcher struct {
	all      bool
	exact    map[string]struct{}
	prefixes []string
}

// newModelMatcher compiles allow-list patterns. A "*" anywhere but at the end
// is rejected rather than silently treated as a literal, because a pattern
// like "gpt-*-mini" would otherwise allow nothing and confuse the operator.
func newModelMatcher(patterns []string) (modelMatcher, error) {
	if len(patterns) == 0 {
		return modelMatcher{all: true}, nil
	}
	m := modelMatcher{exact: make(map[string]struct{}, len(patterns))}
	for _, p := range patterns {
		prefix, wildcard := strings.CutSuffix(p, "*")
		switch {
		case p == "":
			return modelMatcher{}, fmt.Errorf("allowed model pattern is empty")
		case strings.Contains(prefix, "*"):
			return modelMatcher{}, fmt.Errorf("allowed model pattern %q: \"*\" is only supported at the end", p)
		case wildcard && prefix == "":
			m.all = true
		case wildcard:
			m.prefixes = append(m.prefixes, prefix)
		default:
			m.exact[p] = struct{}{}
		}
	}
	return m, nil
}

// allows reports whether model is on the list. Matching is case-sensitive:
// an allow-list must fail closed, so "GPT-4o" does not sneak past "gpt-4o".
func (m *modelMatcher) allows(model string) bool {
	if m.all {
		return true
	}
	if _, ok := m.exact[model]; ok {
		return true
	}
	for _, p := range m.prefixes {
		if strings.HasPrefix(model, p) {
			return true
		}
	}
	return false
}
