package integration

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A real Caddy with managed_keys and its own file storage: a key created
// on the admin endpoint works at once, and stops working when revoked.
func TestManagedKeysThroughTheAdminAPI(t *testing.T) {
	dir := t.TempDir()
	g := startGatewayWith(t, "storage file_system "+dir, `	ai_backends {
		provider demo sim {
			models sim-small
		}
		managed_keys
	}`)

	admin := func(method, path, body string) (int, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, "http://localhost:2999"+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, out := g.doWith(adminClient, req)
		return resp.StatusCode, out
	}
	status, out := admin("POST", "/ai_backends/client_keys", `{"label":"it","models":["sim-small"]}`)
	var created struct {
		Key    struct{ ID, Fingerprint string } `json:"key"`
		Secret string                           `json:"secret"`
	}
	if err := json.Unmarshal(out, &created); err != nil || status != http.StatusCreated || created.Secret == "" {
		t.Fatalf("create: %d %s", status, out)
	}
	chat := `{"model":"sim-small","messages":[{"role":"user","content":"hi"}],"max_tokens":3}`
	if resp, body := g.post("/v1/chat/completions", chat, "Authorization", "Bearer "+created.Secret); resp.StatusCode != http.StatusOK {
		t.Fatalf("chat with the new key: %d %s", resp.StatusCode, body)
	}
	if resp, _ := g.post("/v1/chat/completions", chat); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("chat without a key: %d", resp.StatusCode)
	}
	if status, out := admin("DELETE", "/ai_backends/client_keys/"+created.Key.ID, ""); status != http.StatusOK ||
		!strings.Contains(string(out), `"revoked_at":"`) {
		t.Fatalf("revoke: %d %s", status, out)
	}
	if resp, body := g.post("/v1/chat/completions", chat, "Authorization", "Bearer "+created.Secret); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("chat with the revoked key: %d %s", resp.StatusCode, body)
	}
	if status, out := admin("PATCH", "/ai_backends/client_keys/"+created.Key.ID, `{"lable":"x"}`); status != http.StatusBadRequest ||
		!strings.Contains(string(out), `"error"`) || !strings.Contains(string(out), "lable") {
		t.Fatalf("a bad field: %d %s", status, out)
	}
	state, err := os.ReadFile(filepath.Join(dir, "ai_backends", "governance", "state.json"))
	if err != nil || !strings.Contains(string(state), created.Key.Fingerprint) || strings.Contains(string(state), created.Secret) {
		t.Fatalf("Caddy's storage should hold the record and never the secret: %v", err)
	}
}
