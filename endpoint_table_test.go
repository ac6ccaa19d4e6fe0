package aibackends

import (
	"net/http"
	"slices"
	"testing"
)

func TestRouteRequest(t *testing.T) {
	for _, c := range []struct {
		method, path string
		want         string // endpoint name; "" = none
		params       []string
		allow        []string
	}{
		{"POST", "/v1/chat/completions", "chat/completions", nil, nil},
		{"POST", "/ai/v1/chat/completions/", "chat/completions", nil, nil},
		{"POST", "/v1/messages", "messages", nil, nil},
		{"POST", "/v1/embeddings", "embeddings", nil, nil},
		{"POST", "/v1/images/generations", "images/generations", nil, nil},
		{"GET", "/v1/models", "models", nil, nil},
		{"GET", "/v1/models/gpt-4o", "models/{id}", []string{"gpt-4o"}, nil},
		{"GET", "/v1/models/openai/gpt-4o", "models/{id}", []string{"openai/gpt-4o"}, nil},
		// The most literal pattern wins, whatever the table's order.
		{"POST", "/v1/models/x/chat/completions", "chat/completions", nil, nil},
		{"GET", "/v1/chat/completions", "", nil, []string{"POST"}},
		{"POST", "/v1/models", "", nil, []string{"GET"}},
		{"GET", "/v1/nothing", "", nil, nil},
		{"GET", "/v1/models/", "models", nil, nil},
		// The Gemini paths do not collide with OpenAI's /models.
		{"POST", "/v1beta/models/gemini-2.5-flash:generateContent", "gemini/generateContent", []string{"gemini-2.5-flash"}, nil},
		{"POST", "/v1/models/gemini-2.5-flash:generateContent", "gemini/generateContent", []string{"gemini-2.5-flash"}, nil},
		{"POST", "/ai/v1beta/models/openai/gpt-4o:streamGenerateContent", "gemini/streamGenerateContent", []string{"openai/gpt-4o"}, nil},
		{"GET", "/v1beta/models", "gemini/models", nil, nil},
		{"GET", "/v1beta/models/gemini-2.5-flash", "gemini/models/{model}", []string{"gemini-2.5-flash"}, nil},
		{"GET", "/v1beta/models/m:generateContent", "", nil, []string{"POST"}},
		{"POST", "/v1beta/models/m", "", nil, []string{"GET"}},
	} {
		spec, params, allow, d := routeRequest(c.method, c.path)
		got := ""
		if spec != nil {
			got = spec.name
		}
		if got != c.want || !slices.Equal(params, c.params) || !slices.Equal(allow, c.allow) {
			t.Errorf("%s %s: %q %q allow %q, want %q %q allow %q", c.method, c.path, got, params, allow, c.want, c.params, c.allow)
		}
		if spec == nil && len(allow) > 0 && d == nil {
			t.Errorf("%s %s: a 405 needs the path's dialect", c.method, c.path)
		}
	}
}

func TestCompilePatternRejectsTwoParameters(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("two parameters accepted")
		}
	}()
	compilePattern("/a/{x}/b/{y}")
}

// TestRouteRequestAllocations: the chat route costs no allocation.
func TestRouteRequestAllocations(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { routeRequest(http.MethodPost, "/v1/chat/completions") }); n != 0 {
		t.Errorf("%v allocations", n)
	}
}
