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

// allows reports whether the public model name or alias model is on the
// list. Matching is case-sensitive: an allow-list must fail closed, so
// "GPT-4o" does not sneak past "gpt-4o".
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

// allowsAddress reports whether the list admits addr, a "provider/model"
// address that picks one provider directly. Only an entry that names the
// provider counts: "provider/model" exactly, or a wildcard whose prefix
// starts with "provider/" ("provider/*", "provider/gpt-4*"). A wildcard
// meant for public names ("sim*") must not admit "simp/<anything>" just
// because the strings share a prefix. The list "*" (or none) admits all.
func (m *modelMatcher) allowsAddress(addr string) bool {
	if m.all {
		return true
	}
	if _, ok := m.exact[addr]; ok {
		return true
	}
	provider, _, ok := strings.Cut(addr, "/")
	if !ok {
		return false
	}
	for _, p := range m.prefixes {
		if len(p) > len(provider) && p[len(provider)] == '/' && p[:len(provider)] == provider &&
			strings.HasPrefix(addr, p) {
			return true
		}
	}
	return false
}
