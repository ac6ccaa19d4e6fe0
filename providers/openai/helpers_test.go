package openai

import (
	"net/http/httptest"
	"testing"

	"go.uber.org/goleak"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/internal/providertest"
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
func provision(t testing.TB, m providertest.Module, p *Provider, edit []func(*Provider)) {
	t.Helper()
	for _, e := range edit {
		e(p)
	}
	providertest.MustProvision(t, m)
}

// fake starts a fake OpenAI that requires the test key.
func fake(t testing.TB, cfg fakeupstream.OpenAIConfig) (*httptest.Server, *fakeupstream.Recorder) {
	if cfg.APIKey == "" {
		cfg.APIKey = testKey
	}
	return fakeupstream.NewOpenAI(t, cfg)
}

// fakeOpenAI starts a fake OpenAI that requires the test key and
// provisions the openai module against it, edited.
func fakeOpenAI(t testing.TB, cfg fakeupstream.OpenAIConfig, edit ...func(*Provider)) (*OpenAI, *fakeupstream.Recorder) {
	t.Helper()
	srv, rec := fake(t, cfg)
	return newOpenAI(t, srv, edit...), rec
}

var target = providers.Target{Model: "gpt-4o", APIKey: testKey}

// The shared helpers, under the names this package's tests use.
var (
	chatRequest = providertest.ChatRequest
	asError     = providertest.AsError
)
