package openai

import (
	"encoding/json"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/caddyserver/caddy/v2"
	"go.uber.org/goleak"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// TestMain fails the package when a test leaves a goroutine behind, e.g. a
// stream whose upstream connection was never released.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const testKey = "sk-test-0123456789abcdef"

// newOpenAI provisions the openai module against srv, with the test key.
func newOpenAI(t testing.TB, srv *httptest.Server, edit ...func(*Provider)) *OpenAI {
	t.Helper()
	m := &OpenAI{Provider{Config: providers.Config{
		BaseURL: srv.URL + "/v1",
		APIKeys: []providers.APIKey{{Value: testKey}},
	}}}
	provision(t, m, &m.Provider, edit)
	return m
}

// newCompatible provisions the openai_compatible module against srv, without a key.
func newCompatible(t testing.TB, srv *httptest.Server, edit ...func(*Provider)) *Compatible {
	t.Helper()
	m := &Compatible{Provider{Config: providers.Config{BaseURL: srv.URL + "/v1"}}}
	provision(t, m, &m.Provider, edit)
	return m
}

// provision applies the edits to the module's Provider p, provisions the
// module m and cleans it up when the test ends.
func provision(t testing.TB, m interface {
	caddy.Provisioner
	caddy.CleanerUpper
}, p *Provider, edit []func(*Provider)) {
	t.Helper()
	for _, e := range edit {
		e(p)
	}
	if err := m.Provision(caddy.Context{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Cleanup() })
}

// fake starts a fake OpenAI that requires the test key.
func fake(t testing.TB, cfg fakeupstream.OpenAIConfig) (*httptest.Server, *fakeupstream.Recorder) {
	if cfg.APIKey == "" {
		cfg.APIKey = testKey
	}
	return fakeupstream.NewOpenAI(t, cfg)
}

var target = providers.Target{Model: "gpt-4o", APIKey: testKey}

// chatRequest is a client request as the handler hands it over: decoded,
// with the client's bytes in Raw.
func chatRequest(t testing.TB, raw string) *providers.ChatRequest {
	t.Helper()
	req := new(providers.ChatRequest)
	if err := json.Unmarshal([]byte(raw), req); err != nil {
		t.Fatal(err)
	}
	req.Original = providers.OpenAIOriginal([]byte(raw))
	return req
}

// asError returns err as a classified error, failing the test otherwise.
func asError(t testing.TB, err error) *providers.Error {
	t.Helper()
	var e *providers.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *providers.Error", err, err)
	}
	return e
}
