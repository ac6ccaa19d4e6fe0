package integration

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAccessLogKeepsClientKeysOut runs a site with an access log set up as
// the README says and sends the client key in every header the gateway
// reads it from. Caddy logs a copy of the request headers taken before any
// handler runs, so the site's log filter keeps x-api-key, api-key and
// x-goog-api-key out (Caddy itself redacts Authorization); the handler
// masks the headers it consumed, so whatever reads the request after it
// (here log_append, evaluated when the handler returns) sees REDACTED.
func TestAccessLogKeepsClientKeysOut(t *testing.T) {
	const key = "sk-gw-tenant-access-log-5678"
	t.Setenv("TENANT_KEY", key)
	access := filepath.Join(t.TempDir(), "access.log")
	g := startGateway(t, `	log {
		output file `+access+`
		format filter {
			wrap json
			request>headers>X-Api-Key replace REDACTED
			request>headers>Api-Key replace REDACTED
			request>headers>X-Goog-Api-Key replace REDACTED
			request>uri query {
				replace key REDACTED
			}
		}
	}
	log_append seen_key {http.request.header.X-Api-Key}
	log_append seen_auth {http.request.header.Authorization}
	ai_backends {
		provider demo sim {
			models sim-small
		}
		client_key {env.TENANT_KEY}
	}`)
	chat := `{"model":"sim-small","messages":[{"role":"user","content":"hi"}],"max_tokens":3}`
	for _, h := range [][2]string{
		{"Authorization", "Bearer " + key},
		{"X-Api-Key", key},
		{"Api-Key", key},
	} {
		resp, body := g.post("/v1/chat/completions", chat, h[0], h[1], "X-Goog-Api-Key", key)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", h[0], resp.StatusCode, body)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, g.url("/v1/models?key="+key), nil)
	req.Header.Set("X-Api-Key", key)
	if resp, body := g.do(req); resp.StatusCode != http.StatusOK {
		t.Fatalf("models: %d %s", resp.StatusCode, body)
	}

	b, err := os.ReadFile(access)
	if err != nil {
		t.Fatal(err)
	}
	log := string(b)
	if n := strings.Count(log, `"handled request"`); n != 4 {
		t.Fatalf("%d access log entries, want 4:\n%s", n, log)
	}
	if strings.Contains(log, key) || strings.Contains(g.logText(), key) {
		t.Fatalf("the client key reached a log:\n%s", log)
	}
	if !strings.Contains(log, `"seen_key":"REDACTED"`) || !strings.Contains(log, `"seen_auth":"REDACTED"`) {
		t.Fatalf("the handler left the consumed key headers readable after it:\n%s", log)
	}
}
