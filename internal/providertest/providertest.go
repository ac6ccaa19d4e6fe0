// Package providertest holds the helpers the provider packages' tests share:
// a chat request as the OpenAI dialect hands it on, a module provisioned for
// one test, a stream read to its end, chunks decoded from JSON, a recorded
// upstream stream run through a translator (and watched event by event), an
// SSE upstream for connection-reuse tests, and a failure unwrapped to its
// classified error. Only tests import it; the request path never does.
package providertest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"iter"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// ChatRequest is raw as the OpenAI chat dialect hands it to a provider:
// decoded, with the client's bytes kept as the original.
func ChatRequest(t testing.TB, raw string) *providers.ChatRequest {
	t.Helper()
	req := new(providers.ChatRequest)
	if err := json.Unmarshal([]byte(raw), req); err != nil {
		t.Fatal(err)
	}
	req.Original = providers.OpenAIOriginal([]byte(raw))
	return req
}

// AsError returns err as a classified error, failing the test otherwise.
func AsError(t testing.TB, err error) *providers.Error {
	t.Helper()
	var e *providers.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *providers.Error", err, err)
	}
	return e
}

// Module is a provider module as Caddy loads and unloads it.
type Module interface {
	caddy.Provisioner
	caddy.CleanerUpper
}

// Provision provisions m as Caddy does at load and cleans it up when the
// test ends, even when provisioning failed half-way (so a test of a bad
// configuration leaks nothing). It returns Provision's error.
func Provision(t testing.TB, m Module) error {
	err := m.Provision(caddy.Context{})
	t.Cleanup(func() { _ = m.Cleanup() })
	return err
}

// MustProvision is Provision for a module the test expects to load.
func MustProvision[M Module](t testing.TB, m M) M {
	t.Helper()
	if err := Provision(t, m); err != nil {
		t.Fatal(err)
	}
	return m
}

// Chunks yields a stream's chunks up to its end, failing the test on a
// failure mid-stream. A chunk is valid only until the next one (see
// providers.ChatStream.Next). The caller closes the stream.
func Chunks(t testing.TB, s providers.ChatStream) iter.Seq[*providers.ChatChunk] {
	return func(yield func(*providers.ChatChunk) bool) {
		t.Helper()
		for {
			c, err := s.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatalf("Next: %v", err)
			}
			if !yield(c) {
				return
			}
		}
	}
}

// Text reads a stream to its end, failing the test on a failure
// mid-stream, and returns the text its deltas carried.
func Text(t testing.TB, s providers.ChatStream) string {
	t.Helper()
	var text strings.Builder
	for c := range Chunks(t, s) {
		for _, ch := range c.Choices {
			if ch.Delta.Content != nil {
				text.WriteString(*ch.Delta.Content)
			}
		}
	}
	return text.String()
}

// ChunksJSON decodes chat.completion.chunk JSON lines, as an OpenAI
// upstream's stream arrives at a dialect's encoder.
func ChunksJSON(t testing.TB, lines ...string) []*providers.ChatChunk {
	t.Helper()
	out := make([]*providers.ChatChunk, len(lines))
	for i, l := range lines {
		out[i] = new(providers.ChatChunk)
		if err := json.Unmarshal([]byte(l), out[i]); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// EventTranslator is a provider's stream translator: one upstream SSE
// event in, unified chunks out, done after the stream's last event.
type EventTranslator interface {
	Done() bool
	Translate(event string, data []byte) ([]*providers.ChatChunk, error)
}

// TranslateEvents reads a recorded SSE stream into tr event by event until
// tr is done, as an upstream's answer arrives. It returns the chunks so far
// and the first failure: the translator's, the reader's, or io.EOF when the
// stream ends before tr is done.
func TranslateEvents(stream []byte, tr EventTranslator) ([]*providers.ChatChunk, error) {
	r := providers.NewSSEReader(bytes.NewReader(stream))
	var out []*providers.ChatChunk
	for !tr.Done() {
		ev, err := r.Next()
		if err != nil {
			return out, err
		}
		chunks, err := tr.Translate(ev.Name, ev.Data)
		out = append(out, chunks...)
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// AssertCaddyfileRejects fails for each Caddyfile source that a new T
// unmarshals without an error.
func AssertCaddyfileRejects[T any, PT interface {
	*T
	caddyfile.Unmarshaler
}](t testing.TB, sources ...string) {
	t.Helper()
	for _, src := range sources {
		if err := PT(new(T)).UnmarshalCaddyfile(caddyfile.NewTestDispenser(src)); err == nil {
			t.Errorf("accepted %q", src)
		}
	}
}
