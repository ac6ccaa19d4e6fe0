package integration

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
)

// TestUpstreamEchoesNoSecrets: upstreams (or proxies in front of them)
// that quote every header, the URL and its query in their errors, plain
// and as stream error events, hand no credential to the client or the log,
// for every provider type, through /v1/chat/completions and /v1/messages,
// streamed and not. What they quoted shows as the kfp_ fingerprint.
func TestUpstreamEchoesNoSecrets(t *testing.T) {
	oai, _ := fakeupstream.NewEcho(fakeupstream.EchoOpenAI)
	defer oai.Close()
	claude, _ := fakeupstream.NewEcho(fakeupstream.EchoAnthropic)
	defer claude.Close()
	gem, gemRec := fakeupstream.NewEcho(fakeupstream.EchoGemini)
	defer gem.Close()
	secrets := []string{"sk-oai-echo-0123456789", "sk-ant-echo-0123456789", "AIzaEcho0123456789abc",
		"proxy-token-8f3a9c2d", "helicone-secret-77aa66bb", "query-secret-5e5e5e5e"}
	g := startGateway(t, fmt.Sprintf(`	ai_backends {
		provider oai openai {
			base_url %[1]s/v1
			api_key sk-oai-echo-0123456789
			header X-Proxy-Token proxy-token-8f3a9c2d
			models gpt-4o
		}
		provider local openai_compatible {
			base_url %[1]s/v1
			header Helicone-Auth "Bearer helicone-secret-77aa66bb"
			query token query-secret-5e5e5e5e
			models local-m
		}
		provider claude anthropic {
			base_url %[2]s
			api_key sk-ant-echo-0123456789
			header X-Proxy-Token proxy-token-8f3a9c2d
			models claude-sonnet-4-5
		}
		provider gem google {
			base_url %[3]s/v1beta
			api_key AIzaEcho0123456789abc
			header Helicone-Auth "Bearer helicone-secret-77aa66bb"
			models gemini-2.5-flash
		}
	}`, oai.URL, claude.URL, gem.URL))

	for _, model := range []string{"gpt-4o", "local-m", "claude-sonnet-4-5", "gemini-2.5-flash"} {
		for _, path := range []string{"/v1/chat/completions", "/v1/messages"} {
			for _, stream := range []bool{false, true} {
				body := fmt.Sprintf(`{"model":%q,"max_tokens":16,"stream":%t,"messages":[{"role":"user","content":"hi"}]}`, model, stream)
				resp, out := g.post(path, body)
				text := string(out)
				for _, s := range secrets {
					if strings.Contains(text, s) {
						t.Errorf("%s %s stream=%t: %q leaks: %s", model, path, stream, s, text)
					}
				}
				if resp.StatusCode == 200 && !stream || !strings.Contains(text, "kfp_") {
					t.Errorf("%s %s stream=%t: %d %s", model, path, stream, resp.StatusCode, text)
				}
			}
		}
	}
	logs := g.logText()
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("%q in the log", s)
		}
	}

	// A model address with dot segments never reaches the upstream.
	before := gemRec.Count()
	resp, out := g.post("/v1/chat/completions", `{"model":"gem/../../../admin","messages":[{"role":"user","content":"hi"}]}`)
	if resp.StatusCode != 400 || !strings.Contains(string(out), `"param":"model"`) || gemRec.Count() != before {
		t.Errorf("dot segments: %d %s (upstream calls %d)", resp.StatusCode, out, gemRec.Count()-before)
	}
}
