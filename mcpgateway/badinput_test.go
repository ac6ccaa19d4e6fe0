package mcpgateway

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// post sends one raw JSON-RPC body to the gateway.
func (g *gatewayTest) post(t *testing.T, key, session, body string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, g.http.URL, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if key != "" {
		req.Header.Set("X-Api-Key", key)
	}
	if session != "" {
		req.Header.Set("Mcp-Session-Id", session)
		req.Header.Set("Mcp-Protocol-Version", "2025-06-18")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

const initializeBody = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`

// rawSession initializes a session by hand and returns its id.
func (g *gatewayTest) rawSession(t *testing.T, key string) string {
	t.Helper()
	resp, body := g.post(t, key, "", initializeBody)
	id := resp.Header.Get("Mcp-Session-Id")
	if resp.StatusCode != http.StatusOK || id == "" {
		t.Fatalf("initialize: %d %s", resp.StatusCode, body)
	}
	resp, body = g.post(t, key, id, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	if resp.StatusCode/100 != 2 {
		t.Fatalf("initialized: %d %s", resp.StatusCode, body)
	}
	return id
}

// rpcCode digs the JSON-RPC error code out of a JSON or SSE answer.
func rpcCode(body string) int {
	if i := strings.Index(body, "data: "); i >= 0 {
		body = strings.TrimSpace(body[i+len("data: "):])
	}
	var m struct {
		Error *struct {
			Code int `json:"code"`
		} `json:"error"`
	}
	if json.Unmarshal([]byte(body), &m) != nil || m.Error == nil {
		return 0
	}
	return m.Error.Code
}

func TestBadInputIsRefusedAndNothingForwarded(t *testing.T) {
	alpha := newUpstream(t, "alpha", "echo")
	g := startGateway(t, Options{MaxMessageBytes: 1024}, alpha.config())
	id := g.rawSession(t, "k-all")

	cases := []struct {
		name, key, session, body string
		status, code             int
	}{
		{"no key", "", "", initializeBody, http.StatusUnauthorized, codeUnauthorized},
		{"wrong key", "k-nope", "", initializeBody, http.StatusUnauthorized, codeUnauthorized},
		{"another key's session", "k-alpha", id, `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`, http.StatusNotFound, -32602},
		{"malformed JSON", "k-all", id, `{"jsonrpc":"2.0","id":2,"method":`, http.StatusBadRequest, -32700},
		{"not JSON-RPC", "k-all", id, `{"hello":"world"}`, http.StatusBadRequest, 0},
		{"unknown method", "k-all", id, `{"jsonrpc":"2.0","id":3,"method":"tools/explode","params":{}}`, 0, -32601},
		{"oversized", "k-all", id, `{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"alpha__echo","arguments":{"text":"` +
			strings.Repeat("x", 2048) + `"}}}`, http.StatusRequestEntityTooLarge, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body := g.post(t, c.key, c.session, c.body)
			if c.status != 0 && resp.StatusCode != c.status {
				t.Errorf("status %d, want %d (%s)", resp.StatusCode, c.status, body)
			}
			if c.status == 0 && resp.StatusCode/100 == 2 && rpcCode(body) == 0 {
				t.Errorf("a %d answer without a JSON-RPC error: %s", resp.StatusCode, body)
			}
			if c.code != 0 && rpcCode(body) != c.code {
				t.Errorf("JSON-RPC code %d, want %d (%s)", rpcCode(body), c.code, body)
			}
		})
	}
	if n := alpha.initialized.Load() + alpha.calls.Load(); n != 0 {
		t.Fatalf("bad input reached the upstream (%d requests)", n)
	}
	// The owner's session still works after all that.
	resp, body := g.post(t, "k-all", id, `{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"alpha__echo","arguments":{"text":"ok"}}}`)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "alpha:echo:ok") {
		t.Fatalf("owner's call after bad input: %d %s", resp.StatusCode, body)
	}
}

func TestAnotherKeyCannotDeleteSession(t *testing.T) {
	alpha := newUpstream(t, "alpha", "echo")
	g := startGateway(t, Options{}, alpha.config())
	id := g.rawSession(t, "k-all")
	req, _ := http.NewRequest(http.MethodDelete, g.http.URL, nil)
	req.Header.Set("X-Api-Key", "k-alpha")
	req.Header.Set("Mcp-Session-Id", id)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || g.gw.Sessions() != 1 {
		t.Fatalf("DELETE by another key: %d, sessions %d; want 404 and the session kept", resp.StatusCode, g.gw.Sessions())
	}
	_ = bytes.MinRead
}
