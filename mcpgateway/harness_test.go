package mcpgateway

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/sira-ai/caddy-ai-backends/breaker"
	"github.com/sira-ai/caddy-ai-backends/internal/mcptest"
	"github.com/sira-ai/caddy-ai-backends/security"
)

// upstream is an MCP server for tests, built with the Go SDK, with counts
// of what reached it.
type upstream struct {
	name   string
	server *mcp.Server
	http   *httptest.Server
	down   atomic.Bool // answer every request with 503

	initialized atomic.Int64  // initialize requests
	calls       atomic.Int64  // tools/call requests
	deleted     chan struct{} // one value per DELETE (session closed)
	lastArgs    atomic.Value  // string: the last tools/call arguments
}

type echoIn = mcptest.EchoIn

// newUpstream starts a server whose tools answer "<server>:<tool>:<text>".
func newUpstream(t testing.TB, name string, tools ...string) *upstream {
	t.Helper()
	u := &upstream{name: name, deleted: make(chan struct{}, 16)}
	u.server = mcp.NewServer(&mcp.Implementation{Name: name, Version: "1"}, nil)
	mcptest.AddEchoTools(u.server, name, func(req *mcp.CallToolRequest) {
		u.calls.Add(1)
		u.lastArgs.Store(string(req.Params.Arguments))
	}, tools...)
	u.server.AddReceivingMiddleware(func(next mcp.MethodHandler) mcp.MethodHandler {
		return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
			if method == "initialize" {
				u.initialized.Add(1)
			}
			return next(ctx, method, req)
		}
	})
	u.http = httptest.NewServer(mcptest.Handler(u.server, &u.down, u.deleted))
	t.Cleanup(func() {
		// A session whose DELETE never arrived (the server was "down")
		// would otherwise outlive the test in the SDK's handler.
		for ss := range u.server.Sessions() {
			_ = ss.Close()
		}
		u.http.Close()
	})
	return u
}

func (u *upstream) config() ServerConfig {
	return ServerConfig{Name: u.name, URL: u.http.URL, Timeout: 5 * time.Second,
		Breaker: breaker.New(breaker.Config{FailureThreshold: 1, RecoveryTimeout: time.Hour}, time.Now)}
}

// waitDeleted waits for the upstream to see its session closed.
func (u *upstream) waitDeleted(t testing.TB) {
	t.Helper()
	select {
	case <-u.deleted:
	case <-time.After(5 * time.Second):
		t.Fatalf("%s: the upstream session was not closed", u.name)
	}
}

// testKeys: "k-all" may use everything, "k-alpha" only alpha's tools,
// "k-rate" one tool call a minute.
func testKeyring(t testing.TB) *security.Keyring {
	t.Helper()
	ring, err := security.NewKeyring([]security.ClientKeyConfig{
		{Key: "k-all", Label: "all"},
		{Key: "k-alpha", Label: "alpha", AllowedMCPTools: []string{"alpha__*"}},
		{Key: "k-rate", Label: "rate", MCPCallsPerMinute: 1},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ring
}

// events collects what the gateway observed.
type events struct {
	mu  sync.Mutex
	all []Event
}

func (e *events) add(ev *Event) {
	e.mu.Lock()
	e.all = append(e.all, *ev)
	e.mu.Unlock()
}

func (e *events) find(method, status string) *Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i := range e.all {
		if e.all[i].Method == method && e.all[i].Status == status {
			ev := e.all[i]
			return &ev
		}
	}
	return nil
}

type gatewayTest struct {
	gw     *Gateway
	http   *httptest.Server
	events *events
}

func startGateway(t testing.TB, opts Options, servers ...ServerConfig) *gatewayTest {
	t.Helper()
	ring := testKeyring(t)
	ev := &events{}
	opts.Servers = servers
	if opts.Authenticate == nil {
		opts.Authenticate = func(r *http.Request) (*Caller, error) {
			k := ring.Lookup(security.KeyFromRequest(r.Header))
			if k == nil {
				return nil, errors.New("invalid API key")
			}
			return &Caller{Key: k}, nil
		}
	}
	opts.Observe = ev.add
	gw, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gw)
	t.Cleanup(func() {
		gw.Close()
		srv.Close()
	})
	return &gatewayTest{gw: gw, http: srv, events: ev}
}

// connect opens a Go SDK client session through the gateway with key.
func (g *gatewayTest) connect(t testing.TB, key string, opts *mcp.ClientOptions) *mcp.ClientSession {
	t.Helper()
	return mcptest.Connect(t, g.http.URL, "X-Api-Key", key, opts)
}

var toolNames = mcptest.ToolNames

func callText(t testing.TB, cs *mcp.ClientSession, name, text string) (string, error) {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: name, Arguments: map[string]any{"text": text}})
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	if res.IsError {
		return b.String(), fmt.Errorf("tool error: %s", b.String())
	}
	return b.String(), nil
}
