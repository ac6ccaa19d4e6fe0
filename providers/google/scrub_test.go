package google

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/internal/scrubtest"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

const echoKey = "AIzaEchoKey0123456789abcdef"

// echoProvider provisions a provider against srv with a key and two
// credential headers.
func echoProvider(t *testing.T, baseURL string) *Provider {
	t.Helper()
	p := &Provider{Config: providers.Config{
		BaseURL: baseURL + "/v1beta",
		APIKeys: []providers.APIKey{{Value: echoKey}},
		Headers: scrubtest.ProxyHeaders(),
	}}
	if err := p.Provision(caddy.Context{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Cleanup() })
	return p
}

// TestEchoedCredentialsScrubbed: a Gemini upstream (or a proxy) that
// quotes x-goog-api-key and every other header in its errors, plain and as
// a stream error event, hands no credential to the client.
func TestEchoedCredentialsScrubbed(t *testing.T) {
	srv, rec := fakeupstream.NewEcho(fakeupstream.EchoGemini)
	defer srv.Close()
	p := echoProvider(t, srv.URL)
	secrets := scrubtest.Secrets(echoKey)
	tgt := providers.Target{Model: "gemini-2.5-flash", APIKey: echoKey}

	_, err := p.Chat(context.Background(), tgt, chatRequest(t, `{"model":"g","messages":[{"role":"user","content":"x"}]}`))
	scrubtest.AssertScrubbed(t, err, secrets...)
	if got := rec.Last().Header.Get("X-Goog-Api-Key"); got != echoKey {
		t.Fatalf("the fake did not receive the key: %q", got)
	}
	_, err = p.Embeddings(context.Background(), tgt, &providers.EmbeddingRequest{Model: "e", Input: providers.EmbeddingInput{Texts: []string{"x"}}})
	scrubtest.AssertScrubbed(t, err, secrets...)

	s, err := p.ChatStream(context.Background(), tgt, chatRequest(t, simpleRequest))
	scrubtest.AssertStreamScrubbed(t, s, err, secrets...)
}

// TestModelCannotLeaveThePath is the regression test for a model name with
// dot segments: "gem/../../../admin" made the provider POST to
// /v1beta/../../../admin:generateContent with the API key. Now no request
// leaves, and the client gets a 400 naming the model field.
func TestModelCannotLeaveThePath(t *testing.T) {
	srv, rec := fakeupstream.NewEcho(fakeupstream.EchoGemini)
	defer srv.Close()
	p := echoProvider(t, srv.URL)
	for _, model := range []string{"../../../admin", "models/../../admin", "..", "tunedModels/./x", "models//x", `..\admin`, "%2e%2e/admin", "gemini\n"} {
		tgt := providers.Target{Model: model, APIKey: echoKey}
		_, err := p.Chat(context.Background(), tgt, chatRequest(t, `{"model":"g","messages":[{"role":"user","content":"x"}]}`))
		checkBadModel(t, model, err)
		_, err = p.ChatStream(context.Background(), tgt, chatRequest(t, simpleRequest))
		checkBadModel(t, model, err)
		_, err = p.Embeddings(context.Background(), tgt, &providers.EmbeddingRequest{Model: "e", Input: providers.EmbeddingInput{Texts: []string{"x"}}})
		checkBadModel(t, model, err)
	}
	for _, r := range rec.Requests() {
		t.Errorf("the upstream received %s %s", r.Method, r.Path)
	}
}

func checkBadModel(t *testing.T, model string, err error) {
	t.Helper()
	var e *providers.Error
	if !errors.As(err, &e) || e.Kind != providers.KindInvalidRequest || e.HTTPStatus() != 400 ||
		e.Param != "model" || !strings.Contains(e.Message, "model") {
		t.Errorf("model %q: err = %#v", model, err)
	}
}

// TestStreamAnsweredWithHTML: a proxy's HTML page with status 200 on a
// stream request is reported as what it was (with the credentials it
// quoted scrubbed), not as a stream that ended early.
func TestStreamAnsweredWithHTML(t *testing.T) {
	srv, _ := fakeupstream.NewEcho(fakeupstream.EchoHTML)
	defer srv.Close()
	p := echoProvider(t, srv.URL)
	_, err := p.ChatStream(context.Background(), providers.Target{Model: "gemini-2.5-flash", APIKey: echoKey}, chatRequest(t, simpleRequest))
	scrubtest.AssertHTMLForStream(t, err, "<html>", scrubtest.Secrets(echoKey)...)
}
