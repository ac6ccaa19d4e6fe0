package azure

import (
	"net/http/httptest"
	"testing"

	"go.uber.org/goleak"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/internal/providertest"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const testKey = "azure-key-0123456789abcdef"

// newAzure provisions the module against the fake resource srv.
func newAzure(t testing.TB, srv *httptest.Server, edit func(*Azure)) *Azure {
	t.Helper()
	return providertest.MustProvision(t, azureConfig(srv, edit))
}

// azureConfig is the module on the resource srv with the test key, edited.
func azureConfig(srv *httptest.Server, edit func(*Azure)) *Azure {
	a := new(Azure)
	a.BaseURL = srv.URL
	a.APIKeys = []providers.APIKey{{Value: testKey}}
	if edit != nil {
		edit(a)
	}
	return a
}

func fakeResource(t testing.TB, cfg fakeupstream.AzureConfig) (*httptest.Server, *fakeupstream.Recorder) {
	if cfg.APIKey == "" && cfg.Token == "" {
		cfg.APIKey = testKey
	}
	return fakeupstream.NewAzure(t, cfg)
}

func target(model string) providers.Target { return providers.Target{Model: model, APIKey: testKey} }

// The shared helpers, under the names this package's tests use.
var (
	chatRequest = providertest.ChatRequest
	asError     = providertest.AsError
)
