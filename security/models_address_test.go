package security

import (
	"net/http"
	"testing"
)

func TestAllowsAddressNeedsTheProviderNamed(t *testing.T) {
	for _, tc := range []struct {
		patterns []string
		addr     string
		want     bool
	}{
		{nil, "any/thing", true},
		{[]string{"*"}, "any/thing", true},
		{[]string{"sim*"}, "simp/anything", false}, // a public-name wildcard is no provider entry
		{[]string{"sim*"}, "sim/anything", false},
		{[]string{"s*"}, "s/x", false},
		{[]string{"simp/*"}, "simp/anything", true},
		{[]string{"simp/*"}, "simpler/anything", false},
		{[]string{"sim/*"}, "simp/anything", false},
		{[]string{"oai/gpt-4*"}, "oai/gpt-4o", true},
		{[]string{"oai/gpt-4*"}, "oai/o3", false},
		{[]string{"oai/gpt-4o"}, "oai/gpt-4o", true},
		{[]string{"oai/gpt-4o"}, "oai/gpt-4o-mini", false},
		{[]string{"gpt-4o"}, "oai/gpt-4o", false},
		{[]string{"oai*"}, "oai/gpt-4o", false},
		{[]string{"oai/*"}, "noslash", false},
	} {
		m, err := newModelMatcher(tc.patterns)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.allowsAddress(tc.addr); got != tc.want {
			t.Errorf("patterns %q: allowsAddress(%q) = %v, want %v", tc.patterns, tc.addr, got, tc.want)
		}
	}
}

func TestMaskCredentials(t *testing.T) {
	h := http.Header{}
	h.Set("Authorization", "Bearer sk-secret")
	h.Set("X-Api-Key", "sk-secret")
	h.Add("Api-Key", "sk-secret")
	h.Add("Api-Key", "sk-other")
	h.Set("X-Goog-Api-Key", "sk-secret")
	h.Set("Content-Type", "application/json")
	MaskCredentials(h)
	for name, vs := range h {
		for _, v := range vs {
			if name != "Content-Type" && v != Masked {
				t.Errorf("%s: %q", name, v)
			}
		}
	}
	if h.Get("Content-Type") != "application/json" || len(h["Api-Key"]) != 2 {
		t.Errorf("other headers changed: %v", h)
	}
	if n := testing.AllocsPerRun(100, func() { MaskCredentials(h) }); n != 0 {
		t.Errorf("%v allocations", n)
	}
}
