package openai

import (
	"context"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/internal/scrubtest"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// Credentials the echo tests configure; each must come back only as its
// fingerprint.
const (
	echoKey        = "sk-echo-key-0123456789abcdef"
	echoQueryValue = "query-secret-5e5e5e5e"
)

// echoSecrets are all the credentials echoProvider configures.
var echoSecrets = append(scrubtest.Secrets(echoKey), echoQueryValue)

// echoProvider configures p with a key, two credential headers (the
// bearer token in Helicone-Auth, as Authorization carries the key) and a
// query value.
func echoProvider(p *Provider) {
	p.APIKeys = []providers.APIKey{{Value: echoKey}}
	p.Headers = map[string]string{"X-Proxy-Token": scrubtest.ProxyToken, "Helicone-Auth": "Bearer " + scrubtest.BearerToken}
	p.Query = map[string]string{"token": echoQueryValue}
}

// TestEchoedCredentialsScrubbed: an upstream that quotes every header and
// the URL in its errors (plain and as a stream error event) hands no
// credential to the client, for both modules.
func TestEchoedCredentialsScrubbed(t *testing.T) {
	srv, rec := fakeupstream.NewEcho(fakeupstream.EchoOpenAI)
	defer srv.Close()
	tgt := providers.Target{Model: "gpt-4o", APIKey: echoKey}
	for name, p := range map[string]providers.Provider{
		"openai":            newOpenAI(t, srv, echoProvider),
		"openai_compatible": newCompatible(t, srv, echoProvider),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := p.Chat(context.Background(), tgt, chatRequest(t, plainReq))
			scrubtest.AssertScrubbed(t, err, echoSecrets...)
			if got := rec.Last().Header.Get("Helicone-Auth"); got != "Bearer "+scrubtest.BearerToken {
				t.Fatalf("the fake did not receive the header: %q", got)
			}
			_, err = p.(providers.Embedder).Embeddings(context.Background(), tgt, &providers.EmbeddingRequest{Model: "e", Input: providers.EmbeddingInput{Texts: []string{"x"}}})
			scrubtest.AssertScrubbed(t, err, echoSecrets...)

			s, err := p.ChatStream(context.Background(), tgt, chatRequest(t, `{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"x"}]}`))
			scrubtest.AssertStreamScrubbed(t, s, err, echoSecrets...)
		})
	}
}

// TestStreamAnsweredWithHTML: a proxy's HTML page with status 200 on a
// stream request is reported as what it was (with the credentials it
// quoted scrubbed), not as a stream that ended early.
func TestStreamAnsweredWithHTML(t *testing.T) {
	srv, _ := fakeupstream.NewEcho(fakeupstream.EchoHTML)
	defer srv.Close()
	p := newCompatible(t, srv, echoProvider)
	_, err := p.ChatStream(context.Background(), providers.Target{Model: "m", APIKey: echoKey},
		chatRequest(t, `{"model":"m","stream":true,"messages":[{"role":"user","content":"x"}]}`))
	scrubtest.AssertHTMLForStream(t, err, "<html><body><h1>Bad gateway</h1>", echoSecrets...)
}
