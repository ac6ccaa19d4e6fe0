package vertex

import (
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/internal/providertest"
	"github.com/sira-ai/caddy-ai-backends/internal/testclock"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// newClock is a clock both the provider's token cache and the fake's
// token expiry read.
func newClock() *testclock.Clock {
	return testclock.At(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
}

// newVertex provisions the module against the fake f with its service
// account, the token cache on clock.
func newVertex(t testing.TB, f *fakeupstream.FakeVertex, clock *testclock.Clock, edit func(*Vertex)) *Vertex {
	t.Helper()
	v := providertest.MustProvision(t, vertexConfig(f, edit))
	if clock != nil {
		v.tokens.now = clock.Now
	}
	return v
}

// vertexConfig is the module on the fake f with its service account, edited.
func vertexConfig(f *fakeupstream.FakeVertex, edit func(*Vertex)) *Vertex {
	v := &Vertex{Location: "us-central1", CredentialsJSON: f.ServiceAccountJSON(false)}
	v.BaseURL = f.URL
	if edit != nil {
		edit(v)
	}
	return v
}

// The shared helpers, under the names this package's tests use.
var (
	chatRequest = providertest.ChatRequest
	asError     = providertest.AsError
)

// drain reads a stream to its end and returns the text it carried.
func drain(t testing.TB, s providers.ChatStream) string {
	t.Helper()
	defer s.Close()
	return providertest.Text(t, s)
}

const hello = `{"model":"m","messages":[{"role":"user","content":"Hello there"}]}`
