package azure

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

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const testKey = "azure-key-0123456789abcdef"

// newAzure provisions the module against the fake resource srv.
func newAzure(t testing.TB, srv *httptest.Server, edit func(*Azure)) *Azure {
	t.Helper()
	a, err := provisionAzure(t, srv, edit)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func provisionAzure(t testing.TB, srv *httptest.Server, edit func(*Azure)) (*Azure, error) {
	t.Helper()
	a := new(Azure)
	a.BaseURL = srv.URL
	a.APIKeys = []providers.APIKey{{Value: testKey}}
	if edit != nil {
		edit(a)
	}
	err := a.Provision(caddy.Context{})
	t.Cleanup(func() { _ = a.Cleanup() })
	return a, err
}

func fakeResource(t testing.TB, cfg fakeupstream.AzureConfig) (*httptest.Server, *fakeupstream.Recorder) {
	if cfg.APIKey == "" && cfg.Token == "" {
		cfg.APIKey = testKey
	}
	return fakeupstream.NewAzure(t, cfg)
}

func target(model string) providers.Target { return providers.Target{Model: model, APIKey: testKey} }

func chatRequest(t testing.TB, raw string) *providers.ChatRequest {
	t.Helper()
	req := new(providers.ChatRequest)
	if err := json.Unmarshal([]byte(raw), req); err != nil {
		t.Fatal(err)
	}
	req.Original = providers.OpenAIOriginal([]byte(raw))
	return req
}

func asError(t testing.TB, err error) *providers.Error {
	t.Helper()
	var e *providers.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *providers.Error", err, err)
	}
	return e
}
