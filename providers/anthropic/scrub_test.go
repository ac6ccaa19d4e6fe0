package anthropic

import (
	"context"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/internal/scrubtest"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

const echoKey = "sk-ant-echo-0123456789abcdef"

// TestEchoedCredentialsScrubbed: an upstream (or a proxy) that quotes
// x-api-key and every other header in its error message, as an HTTP error
// and as a stream error event, hands no credential to the client: for
// translated requests (/v1/chat/completions) and native ones (/v1/messages).
func TestEchoedCredentialsScrubbed(t *testing.T) {
	srv, rec := fakeupstream.NewEcho(fakeupstream.EchoAnthropic)
	defer srv.Close()
	p := newProvider(t, srv.URL, func(p *Provider) {
		p.APIKeys = []providers.APIKey{{Value: echoKey}}
		p.Headers = scrubtest.ProxyHeaders()
	})
	secrets := scrubtest.Secrets(echoKey)
	tgt := providers.Target{Model: "claude-sonnet-4-5", APIKey: echoKey}
	native := providers.Original{Format: providers.FormatAnthropicMessages,
		Body: []byte(`{"model":"c","max_tokens":5,"messages":[{"role":"user","content":"x"}]}`)}
	for name, original := range map[string]providers.Original{"translated": {}, "native": native} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			req := unified(t, `{"model":"c","messages":[{"role":"user","content":"x"}]}`)
			req.Original = original
			_, err := p.Chat(ctx, tgt, req)
			scrubtest.AssertScrubbed(t, err, secrets...)
			if got := rec.Last().Header.Get("X-Api-Key"); got != echoKey {
				t.Fatalf("the fake did not receive the key: %q", got)
			}

			req = unified(t, `{"model":"c","stream":true,"messages":[{"role":"user","content":"x"}]}`)
			req.Original = original
			s, err := p.ChatStream(ctx, tgt, req)
			scrubtest.AssertStreamScrubbed(t, s, err, secrets...)
		})
	}
}

// TestStreamAnsweredWithHTML: a proxy's HTML page with status 200 on a
// stream request is reported as what it was (with the credentials it
// quoted scrubbed), not as a stream that ended early.
func TestStreamAnsweredWithHTML(t *testing.T) {
	srv, _ := fakeupstream.NewEcho(fakeupstream.EchoHTML)
	defer srv.Close()
	p := newProvider(t, srv.URL, func(p *Provider) { p.APIKeys = []providers.APIKey{{Value: echoKey}} })
	_, err := p.ChatStream(context.Background(), providers.Target{Model: "c", APIKey: echoKey},
		unified(t, `{"model":"c","stream":true,"messages":[{"role":"user","content":"x"}]}`))
	if e := scrubtest.AssertHTMLForStream(t, err, "<html>", echoKey); e.Provider != "claude" {
		t.Errorf("provider %q, want claude", e.Provider)
	}
}
