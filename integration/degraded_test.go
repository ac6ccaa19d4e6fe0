package integration

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/keystore"
)

func TestStaleIfErrorServesAnExpiredAnswer(t *testing.T) {
	// The upstream answers once, then fails every request.
	fake, _ := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{Reply: "remembered"})
	site := func(url string) string {
		return fmt.Sprintf(`	ai_backends {
		provider up openai_compatible {
			base_url %s/v1
			models m
			max_retries 0
		}
		cache {
			ttl 1ns
			stale_if_error 1h
		}
	}`, url)
	}
	g := startGateway(t, site(fake.URL))
	det := `{"model":"m","temperature":0,"messages":[{"role":"user","content":"keep this"}]}`
	if resp, body := g.post("/v1/chat/completions", det); resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	down, _ := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{Fail: fakeupstream.OpenAIErrorFor(503)})
	g.reload(site(down.URL))
	resp, body := g.post("/v1/chat/completions", det)
	if resp.StatusCode != 200 || resp.Header.Get("X-AI-Cache") != "STALE" || !strings.Contains(string(body), "remembered") {
		t.Fatalf("stale answer: %d %q %s", resp.StatusCode, resp.Header.Get("X-AI-Cache"), body)
	}
	// Without a stale entry the client gets the bounded error.
	resp, _ = g.post("/v1/chat/completions", `{"model":"m","temperature":0,"messages":[{"role":"user","content":"never seen"}]}`)
	if resp.StatusCode != 503 {
		t.Fatalf("no stale entry: %d", resp.StatusCode)
	}
	_, metrics := g.get2999("/metrics")
	if metricValue(t, metrics, "ai_degraded_total", "mode", "stale") < 1 {
		t.Fatal("degraded answer not counted")
	}
}

func TestDegradeToAlias(t *testing.T) {
	down, _ := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{Fail: fakeupstream.OpenAIErrorFor(500)})
	g := startGateway(t, fmt.Sprintf(`	ai_backends {
		provider up openai_compatible {
			base_url %s/v1
			models big
			max_retries 0
		}
		provider local sim {
			models small
		}
		alias cheap local/small
		degrade_to cheap
	}`, down.URL))
	resp, body := g.post("/v1/chat/completions", `{"model":"big","messages":[{"role":"user","content":"help"}]}`)
	if resp.StatusCode != 200 || resp.Header.Get("X-AI-Degraded") != "cheap" || resp.Header.Get("X-AI-Provider") != "local" {
		t.Fatalf("degraded: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	if !strings.Contains(g.logText(), `"degraded":"alias"`) {
		t.Fatal("degraded answer not in the audit log")
	}
}

func TestEncryptedAndExpiringUpstreamKeys(t *testing.T) {
	master, err := keystore.GenerateMasterKey()
	if err != nil {
		t.Fatal(err)
	}
	mk, _ := keystore.ParseMasterKey(master)
	ring := keystore.NewKeyring(mk)
	const secret = "sk-encrypted-upstream-1234567890"
	ciphertext, err := ring.Encrypt(secret)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("MASTER_KEY", master)
	fake, rec := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{APIKey: secret})
	g := startGateway(t, fmt.Sprintf(`	ai_backends {
		master_key {env.MASTER_KEY}
		provider enc openai_compatible {
			base_url %s/v1
			api_key expired-key not_after 2001-01-01
			api_key_encrypted %s
			models m
		}
	}`, fake.URL, ciphertext))
	resp, body := g.post("/v1/chat/completions", chatM)
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	if got := rec.Last().Header.Get("Authorization"); got != "Bearer "+secret {
		t.Fatalf("upstream saw %q: the expired key must not be used and the encrypted one must be decrypted", got)
	}
	_, status := g.get2999("/ai_backends/status")
	if !strings.Contains(status, `"state":"expired"`) || strings.Contains(status, secret) {
		t.Fatalf("status: %s", status)
	}
	_, metrics := g.get2999("/metrics")
	if !strings.Contains(metrics, "ai_upstream_key_days_left") {
		t.Fatal("no days-left gauge")
	}
	if strings.Contains(g.logText(), secret) || strings.Contains(g.logText(), master) {
		t.Fatal("key material in the log")
	}

	// A wrong master key fails the config load with a clear error and no key material.
	other, _ := keystore.GenerateMasterKey()
	t.Setenv("MASTER_KEY", other)
	status2, loadErr := g.load(g.config(fmt.Sprintf(`	ai_backends {
		master_key {env.MASTER_KEY}
		provider enc openai_compatible {
			base_url %s/v1
			api_key_encrypted %s
			models m
		}
	}`, fake.URL, ciphertext)))
	if status2 != 400 || !strings.Contains(loadErr, "decrypt") || strings.Contains(loadErr, secret) || strings.Contains(loadErr, other) {
		t.Fatalf("wrong master key: %d %q", status2, loadErr)
	}
}

// load posts a Caddyfile to the admin API and returns its status and body,
// for configs that must be refused.
func (g *gateway) load(caddyfile string) (int, string) {
	g.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, "http://localhost:2999/load", strings.NewReader(caddyfile))
	req.Header.Set("Content-Type", "text/caddyfile")
	resp, body := g.doWith(adminClient, req)
	return resp.StatusCode, string(body)
}
