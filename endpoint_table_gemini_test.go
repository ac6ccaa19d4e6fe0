package aibackends

import (
	"slices"
	"testing"
)

// TestRouteGemini: the Gemini paths do not collide with OpenAI's /models.
func TestRouteGemini(t *testing.T) {
	for _, c := range []struct {
		method, path string
		want         string
		params       []string
		allow        []string
	}{
		{"POST", "/v1beta/models/gemini-2.5-flash:generateContent", "gemini/generateContent", []string{"gemini-2.5-flash"}, nil},
		{"POST", "/v1/models/gemini-2.5-flash:generateContent", "gemini/generateContent", []string{"gemini-2.5-flash"}, nil},
		{"POST", "/ai/v1beta/models/openai/gpt-4o:streamGenerateContent", "gemini/streamGenerateContent", []string{"openai/gpt-4o"}, nil},
		{"GET", "/v1beta/models", "gemini/models", nil, nil},
		{"GET", "/v1beta/models/gemini-2.5-flash", "gemini/models/{model}", []string{"gemini-2.5-flash"}, nil},
		{"GET", "/v1/models", "models", nil, nil},
		{"GET", "/v1/models/gpt-4o", "models/{id}", []string{"gpt-4o"}, nil},
		{"GET", "/v1beta/models/m:generateContent", "", nil, []string{"POST"}},
		{"POST", "/v1beta/models/m", "", nil, []string{"GET"}},
	} {
		spec, params, allow, _ := routeRequest(c.method, c.path)
		got := ""
		if spec != nil {
			got = spec.name
		}
		if got != c.want || !slices.Equal(params, c.params) || !slices.Equal(allow, c.allow) {
			t.Errorf("%s %s: %q %q allow %q, want %q %q allow %q", c.method, c.path, got, params, allow, c.want, c.params, c.allow)
		}
	}
}
