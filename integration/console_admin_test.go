package integration

import (
	"net/http"
	"strings"
	"testing"
)

// The console and its routes on Caddy's admin endpoint, with Caddy's own
// origin checks on; and on a site only when the directive mounts them.
func TestConsoleOnAdminEndpoint(t *testing.T) {
	g := startSimGateway(t, "sim-large")
	admin := func(method, path string, header ...string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequest(method, "http://localhost:2999"+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, body := g.doWith(adminClient, req)
		return resp, string(body)
	}
	if resp, _ := g.post("/v1/chat/completions", `{"model":"sim-large","messages":[{"role":"user","content":"hi"}]}`); resp.StatusCode != 200 {
		t.Fatalf("chat: %d", resp.StatusCode)
	}

	// The page, from a browser that says where it comes from.
	resp, body := admin("GET", "/ai_backends/ui/", "Sec-Fetch-Mode", "navigate", "Referer", "http://localhost:2999/")
	if resp.StatusCode != 200 || !strings.Contains(body, `src="app.js"`) {
		t.Fatalf("console page: %d %s", resp.StatusCode, body)
	}
	var token string
	for _, c := range resp.Cookies() {
		if c.Name == "ai_backends_csrf" {
			token = c.Value
		}
	}
	if token == "" || resp.Header.Get("Content-Security-Policy") == "" {
		t.Fatalf("no CSRF cookie or no policy: %v", resp.Header)
	}
	// Caddy's origin check, kept on, refuses a navigation from nowhere.
	if resp, _ := admin("GET", "/ai_backends/ui/", "Sec-Fetch-Mode", "navigate"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("navigation without Origin or Referer: %d, want Caddy's 403", resp.StatusCode)
	}

	// What the page reads.
	for path, want := range map[string]string{
		"/ai_backends/overview":         `"window_minutes":60`,
		"/ai_backends/requests?limit=5": `"model":"sim-large"`,
		"/ai_backends/config":           `"demo/sim-large"`,
	} {
		if resp, body := admin("GET", path); resp.StatusCode != 200 || !strings.Contains(body, want) {
			t.Errorf("GET %s: %d %s", path, resp.StatusCode, body)
		}
	}

	// A browser's reset needs the token; curl's does not.
	reset := "/ai_backends/breakers/demo/sim-large/reset"
	browser := []string{"Origin", "http://localhost:2999", "Cookie", "ai_backends_csrf=" + token}
	if resp, body := admin("POST", reset, browser...); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "X-CSRF-Token") {
		t.Fatalf("browser POST without token: %d %s", resp.StatusCode, body)
	}
	if resp, body := admin("POST", reset, append(browser, "X-CSRF-Token", token)...); resp.StatusCode != 200 {
		t.Fatalf("browser POST with token: %d %s", resp.StatusCode, body)
	}
	if resp, body := admin("POST", reset); resp.StatusCode != 200 {
		t.Fatalf("curl POST: %d %s", resp.StatusCode, body)
	}

	// The site has no management API without ai_backends_console.
	if resp, body := g.get("/ai_backends/status"); resp.StatusCode != http.StatusNotFound || strings.Contains(string(body), `"handlers"`) {
		t.Fatalf("the site serves the management API by default: %d %s", resp.StatusCode, body)
	}
}
