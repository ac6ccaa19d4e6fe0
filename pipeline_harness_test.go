package aibackends

// The in-process harness for request-path tests: a Handler provisioned
// from JSON (as Caddy would, minus the server) in front of the fakes in
// internal/fakeupstream or the simulator, driven through ServeHTTP with
// httptest. integration/ keeps what needs a real Caddy: the Caddyfile,
// reloads, the admin API and the SDK runs.

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/caddyserver/caddy/v2"
	"go.uber.org/zap"
)

// pipeHandler provisions a handler from its JSON config; it is cleaned up
// when the test ends. Logs are dropped. before, when given, runs before
// Provision (to set a test clock: Provision starts goroutines reading it).
func pipeHandler(t testing.TB, config string, before ...func(*Handler)) *Handler {
	t.Helper()
	h, _ := pipeHandlerContext(t, config, before...)
	return h
}

// pipeHandlerContext is pipeHandler that also returns the handler's Caddy
// context, whose metrics registry holds its collectors.
func pipeHandlerContext(t testing.TB, config string, before ...func(*Handler)) (*Handler, caddy.Context) {
	t.Helper()
	quietCaddy(t)
	var h Handler
	if err := json.Unmarshal([]byte(config), &h); err != nil {
		t.Fatalf("config: %v\n%s", err, config)
	}
	for _, f := range before {
		f(&h)
	}
	ctx, cancel := caddy.NewContext(caddy.ActiveContext())
	t.Cleanup(cancel)
	if err := h.Provision(ctx); err != nil {
		t.Fatalf("provision: %v", err)
	}
	t.Cleanup(func() { _ = h.Cleanup() })
	if err := h.Validate(); err != nil {
		t.Fatalf("validate: %v", err)
	}
	h.logger, h.auditLog = zap.NewNop(), zap.NewNop()
	return &h, ctx
}

// pipeDo sends one request through the handler; header holds name, value
// pairs.
func pipeDo(t testing.TB, h *Handler, method, path, body string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, path, bytes.NewReader([]byte(body)))
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	if err := h.ServeHTTP(w, r, nil); err != nil {
		t.Fatal(err)
	}
	return w
}

// pipeServe exposes h on a loopback server, as the official SDKs need a
// URL, and returns its base URL. A handler error fails the test.
func pipeServe(t testing.TB, h *Handler) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h.ServeHTTP(w, r, nil); err != nil {
			t.Error(err)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// pipeChat is a chat request body for model.
func pipeChat(model string, stream bool) string {
	b, _ := json.Marshal(map[string]any{
		"model": model, "stream": stream,
		"messages": []map[string]string{{"role": "user", "content": "hello"}},
	})
	return string(b)
}
