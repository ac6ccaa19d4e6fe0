// Package integration runs a real Caddy, configured from Caddyfiles, in
// front of fake upstreams that speak the providers' wire formats. All
// caddytest tests live in this one package: Caddy's admin endpoint (:2999)
// is per process.
package integration

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2/caddytest"

	_ "github.com/caddyserver/caddy/v2/modules/standard"

	_ "github.com/sira-ai/caddy-ai-backends"
)

// gateway is a running Caddy with one ai_backends site.
type gateway struct {
	t      testing.TB
	tester *caddytest.Tester
	client *http.Client
	port   int
	logs   string // file that receives every log line
	// globals are global options beyond the harness's own (e.g. a storage).
	globals string
}

// freePort asks the OS for a free loopback port.
func freePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// otherFreePort is a free port other than used: the OS may hand a port
// it just gave out (and that was closed) out again, and Caddy refuses a
// site whose http:// port is its https_port.
func otherFreePort(used int) int {
	for range 100 {
		if p := freePort(); p != used {
			return p
		}
	}
	panic("the OS keeps handing out the same port")
}

// startGateway loads a Caddyfile whose site block holds the given
// ai_backends body (and any extra site directives around it).
func startGateway(t testing.TB, site string) *gateway {
	t.Helper()
	return startGatewayWith(t, "", site)
}

// startGatewayWith is startGateway with more global options.
func startGatewayWith(t testing.TB, globals, site string) *gateway {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: runs a real Caddy")
	}
	logFile := filepath.Join(t.TempDir(), "caddy.log")
	// A port of its own: Caddy binds each config's listener with
	// SO_REUSEPORT, so a connection the kernel queued on the previous
	// config's socket for the same port is reset when that socket closes.
	g := &gateway{t: t, port: freePort(), logs: logFile, globals: globals,
		client: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{}}}
	g.tester = caddytest.NewTester(t)
	g.tester.InitServer(g.config(site), "caddyfile")
	return g
}

func (g *gateway) config(site string) string {
	return fmt.Sprintf(`{
	skip_install_trust
	admin localhost:2999
	http_port %d
	https_port %d
	grace_period 1ns
	persist_config off
	log {
		output file %s
		format json
		level DEBUG
	}
	%s
}
http://localhost:%d {
%s
}
`, g.port, otherFreePort(g.port), g.logs, g.globals, g.port, site)
}

// reload loads a changed site through the admin API, as an operator would.
func (g *gateway) reload(site string) {
	g.t.Helper()
	// A new port, for the reason in startGateway; the module's state is
	// keyed by provider and model, so it carries over all the same.
	g.port = freePort()
	g.tester.InitServer(g.config(site), "caddyfile")
	// A graceful reload closes idle keep-alive connections; start afresh.
	g.client.CloseIdleConnections()
}

func (g *gateway) url(path string) string {
	return fmt.Sprintf("http://localhost:%d%s", g.port, path)
}

// post sends a JSON body and returns the response with its body read.
func (g *gateway) post(path, body string, headers ...string) (*http.Response, []byte) {
	g.t.Helper()
	req, err := http.NewRequest(http.MethodPost, g.url(path), strings.NewReader(body))
	if err != nil {
		g.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return g.do(req)
}

func (g *gateway) get(path string) (*http.Response, []byte) {
	g.t.Helper()
	req, err := http.NewRequest(http.MethodGet, g.url(path), nil)
	if err != nil {
		g.t.Fatal(err)
	}
	return g.do(req)
}

func (g *gateway) do(req *http.Request) (*http.Response, []byte) {
	g.t.Helper()
	return g.doWith(g.client, req)
}

// adminClient talks to the admin endpoint with a connection per call: Caddy
// replaces its admin server on every config load and closes the old one's
// connections in the background, which a kept-alive POST would meet as EOF.
var adminClient = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}

func (g *gateway) doWith(client *http.Client, req *http.Request) (*http.Response, []byte) {
	g.t.Helper()
	resp, err := client.Do(req)
	if err != nil {
		g.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		g.t.Fatalf("reading body: %v", err)
	}
	return resp, body
}

// logText returns everything Caddy logged so far.
func (g *gateway) logText() string {
	b, _ := os.ReadFile(g.logs)
	return string(b)
}

// sseData returns the data payloads of an SSE body, in order.
func sseData(t testing.TB, body []byte) []string {
	t.Helper()
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			out = append(out, d)
		}
	}
	return out
}

// openAIError decodes an OpenAI error body and checks its shape.
func openAIError(t testing.TB, body []byte) (message, typ, code string) {
	t.Helper()
	var e struct {
		Error *struct {
			Message string  `json:"message"`
			Type    string  `json:"type"`
			Code    *string `json:"code"`
		} `json:"error"`
	}
	if err := json.Unmarshal(body, &e); err != nil || e.Error == nil || e.Error.Message == "" || e.Error.Type == "" {
		t.Fatalf("not an OpenAI error object: %s", body)
	}
	if e.Error.Code != nil {
		code = *e.Error.Code
	}
	return e.Error.Message, e.Error.Type, code
}

func mustJSON(t testing.TB, body []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("decoding %s: %v", body, err)
	}
}

// get2999 and post2999 talk to Caddy's admin endpoint.
func (g *gateway) get2999(path string) (*http.Response, string) {
	g.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, "http://localhost:2999"+path, nil)
	resp, body := g.doWith(adminClient, req)
	return resp, string(body)
}

func (g *gateway) post2999(path string) (*http.Response, string) {
	g.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, "http://localhost:2999"+path, nil)
	resp, body := g.doWith(adminClient, req)
	return resp, string(body)
}
