// Package mcptest holds what the MCP gateway's tests share, in its own
// package, the handler's and the integration tests: upstream tools that
// echo, an upstream that can be taken down, a Go SDK client session that
// sends a client key, and the names of the tools a session sees. Only tests import it.
package mcptest

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// Handler serves s over Streamable HTTP as an upstream MCP server: while
// down is set it answers every request 503, as a server that is down does,
// and after each DELETE (a client closing its session) it sends on deleted,
// so a test can wait for the gateway to close its upstream sessions.
func Handler(s *mcp.Server, down *atomic.Bool, deleted chan<- struct{}) http.Handler {
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s }, nil)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
		if r.Method == http.MethodDelete {
			deleted <- struct{}{}
		}
	})
}

// HeaderTransport sets one header (a client key) on every request.
type HeaderTransport struct{ Name, Value string }

// RoundTrip sends a copy of r with the header set.
func (h HeaderTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(h.Name, h.Value)
	return http.DefaultTransport.RoundTrip(r)
}

// Connect opens a Go SDK client session on endpoint over Streamable HTTP,
// sending header name with value on every request and never retrying (a
// test wants the first failure). The session closes when the test ends.
func Connect(t testing.TB, endpoint, name, value string, opts *mcp.ClientOptions) *mcp.ClientSession {
	t.Helper()
	c := mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "1"}, opts)
	// The deadline bounds the handshake only; the session outlives it.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cs, err := c.Connect(ctx, &mcp.StreamableClientTransport{
		Endpoint: endpoint, HTTPClient: &http.Client{Transport: HeaderTransport{name, value}}, MaxRetries: -1,
	}, nil)
	if err != nil {
		t.Fatalf("connect %s: %v", endpoint, err)
	}
	t.Cleanup(func() { _ = cs.Close() })
	return cs
}

// ToolNames lists the tools the session sees, by name, in the order given.
func ToolNames(t testing.TB, cs *mcp.ClientSession) []string {
	t.Helper()
	res, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatalf("tools/list: %v", err)
	}
	var names []string
	for _, tool := range res.Tools {
		names = append(names, tool.Name)
	}
	return names
}

// EchoIn is the input of an echo tool.
type EchoIn struct {
	Text string `json:"text"`
}

// AddEchoTools adds to the upstream server s, named server, tools that
// answer "<server>:<tool>:<text>", so a test sees which upstream and tool a
// call reached. onCall, when set, sees each call first.
func AddEchoTools(s *mcp.Server, server string, onCall func(*mcp.CallToolRequest), tools ...string) {
	for _, tool := range tools {
		mcp.AddTool(s, &mcp.Tool{Name: tool, Description: server + " " + tool},
			func(_ context.Context, req *mcp.CallToolRequest, in EchoIn) (*mcp.CallToolResult, any, error) {
				if onCall != nil {
					onCall(req)
				}
				return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: server + ":" + tool + ":" + in.Text}}}, nil, nil
			})
	}
}
