// Package providertest holds the helpers the provider packages' tests share:
// a chat request as the OpenAI dialect hands it on, a module provisioned for
// one test, and a failure unwrapped to its classified error. Only tests
// import it; the request path never does.
package providertest

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/caddyserver/caddy/v2"

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
