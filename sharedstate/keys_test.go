package sharedstate

import "testing"

func TestParseBreakerNameRejectsForeignNames(t *testing.T) {
	for _, name := range []string{"", ":", "x:a:b", "-1:a:b", "01:a:b", "5:ab:c", "2:abc", "99999999999:a", "1:a"} {
		if i, d, ok := parseBreakerName(name); ok {
			t.Errorf("parseBreakerName(%q) = %q, %q, true; want false", name, i, d)
		}
	}
}

func TestGlobEscape(t *testing.T) {
	if got := globEscape(`a*b?[c]\d^`); got != `a\*b\?\[c\]\\d\^` {
		t.Fatalf("globEscape = %q", got)
	}
	if got := globEscape("aib:"); got != "aib:" {
		t.Fatalf("globEscape = %q", got)
	}
}

// Any instance and deployment names survive the key round trip, and any
// name that parses is one breakerName produces.
func FuzzBreakerName(f *testing.F) {
	f.Add("gw-a", "openai/gpt-4o:0")
	f.Add("", "")
	f.Add("a:b", ":c:")
	f.Add("10:x", "9:")
	f.Fuzz(func(t *testing.T, instance, deployment string) {
		i, d, ok := parseBreakerName(breakerName(instance, deployment))
		if !ok || i != instance || d != deployment {
			t.Fatalf("round trip of %q, %q gave %q, %q, %v", instance, deployment, i, d, ok)
		}
		raw := instance + deployment
		if i, d, ok := parseBreakerName(raw); ok && breakerName(i, d) != raw {
			t.Fatalf("%q parsed as %q, %q, which encodes differently", raw, i, d)
		}
	})
}
