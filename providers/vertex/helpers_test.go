package vertex

import (
	"encoding/json"
	"errors"
	"io"
	"sync/atomic"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"
	"go.uber.org/goleak"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// testClock is a clock both the provider's token cache and the fake's
// token expiry read.
type testClock struct{ ns atomic.Int64 }

func newClock() *testClock {
	c := &testClock{}
	c.ns.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	return c
}
func (c *testClock) now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *testClock) advance(d time.Duration) { c.ns.Add(int64(d)) }

// newVertex provisions the module against the fake f with its service
// account, the token cache on clock.
func newVertex(t testing.TB, f *fakeupstream.FakeVertex, clock *testClock, edit func(*Vertex)) *Vertex {
	t.Helper()
	v, err := provisionVertex(t, f, edit)
	if err != nil {
		t.Fatal(err)
	}
	if clock != nil {
		v.tokens.now = clock.now
	}
	return v
}

func provisionVertex(t testing.TB, f *fakeupstream.FakeVertex, edit func(*Vertex)) (*Vertex, error) {
	t.Helper()
	v := &Vertex{Location: "us-central1", CredentialsJSON: f.ServiceAccountJSON(false)}
	v.BaseURL = f.URL
	if edit != nil {
		edit(v)
	}
	err := v.Provision(caddy.Context{})
	t.Cleanup(func() { _ = v.Cleanup() })
	return v, err
}

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

// drain reads a stream to its end and returns the text it carried.
func drain(t testing.TB, s providers.ChatStream) string {
	t.Helper()
	defer s.Close()
	text := ""
	for {
		c, err := s.Next()
		if err == io.EOF {
			return text
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, ch := range c.Choices {
			if ch.Delta.Content != nil {
				text += *ch.Delta.Content
			}
		}
	}
}

const hello = `{"model":"m","messages":[{"role":"user","content":"Hello there"}]}`
