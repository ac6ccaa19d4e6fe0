package integration

import (
	"context"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/sira-ai/caddy-ai-backends/internal/mcptest"
)

// mcpUpstream is an MCP tool server built with the Go SDK; its tools answer
// "<server>:<tool>:<text>". down makes it answer 503; deletes counts the
// sessions the gateway closed.
type mcpUpstream struct {
	*httptest.Server
	down    atomic.Bool
	deletes chan struct{}
}

func newMCPUpstream(t *testing.T, name string, tools ...string) *mcpUpstream {
	t.Helper()
	s := mcp.NewServer(&mcp.Implementation{Name: name, Version: "1"}, nil)
	mcptest.AddEchoTools(s, name, nil, tools...)
	u := &mcpUpstream{deletes: make(chan struct{}, 8)}
	u.Server = httptest.NewServer(mcptest.Handler(s, &u.down, u.deletes))
	t.Cleanup(u.Close)
	return u
}

// mcpSite is an ai_backends block with only an MCP gateway: alpha and beta
// both have a "search" tool; key k-alpha sees only alpha's tools.
func mcpSite(alpha, beta string) string {
	return fmt.Sprintf(`	ai_backends {
		client_key k-all
		client_key k-alpha {
			label alpha-only
			mcp_tools alpha__*
		}
		mcp /mcp {
			server alpha %s {
				timeout 5s
			}
			server beta %s {
				timeout 5s
			}
		}
	}`, alpha, beta)
}

// startMCPGateway starts the gateway and, when the test ends and before the
// upstream servers close, loads a config without it: its Cleanup ends the
// client sessions a client left open (clients need not DELETE them), and
// with them the upstream sessions' streams.
func startMCPGateway(t *testing.T, site string) *gateway {
	g := startGateway(t, site)
	t.Cleanup(func() { g.reload(`	respond "stopped"`) })
	return g
}

func mcpClient(t *testing.T, url, key string) *mcp.ClientSession {
	t.Helper()
	return mcptest.Connect(t, url, "Authorization", "Bearer "+key, nil)
}

var mcpToolNames = mcptest.ToolNames

func mcpCall(cs *mcp.ClientSession, name, text string) (string, error) {
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: name, Arguments: map[string]any{"text": text}})
	if err != nil {
		return "", err
	}
	if res.IsError || len(res.Content) == 0 {
		return "", fmt.Errorf("tool error: %+v", res.Content)
	}
	return res.Content[0].(*mcp.TextContent).Text, nil
}

// TestMCPGatewayGoSDK drives the MCP endpoint of a Caddyfile-configured
// gateway with the official Go SDK client.
func TestMCPGatewayGoSDK(t *testing.T) {
	alpha := newMCPUpstream(t, "alpha", "search", "echo")
	beta := newMCPUpstream(t, "beta", "search")
	g := startMCPGateway(t, mcpSite(alpha.URL, beta.URL))

	all := mcpClient(t, g.url("/mcp"), "k-all")
	if got, want := mcpToolNames(t, all), []string{"alpha__echo", "alpha__search", "beta__search"}; !slices.Equal(got, want) {
		t.Fatalf("tools = %v, want %v", got, want)
	}
	for tool, want := range map[string]string{"alpha__search": "alpha:search:q", "beta__search": "beta:search:q"} {
		if out, err := mcpCall(all, tool, "q"); err != nil || out != want {
			t.Fatalf("%s = %q, %v; want %q", tool, out, err, want)
		}
	}

	limited := mcpClient(t, g.url("/mcp"), "k-alpha")
	if got := mcpToolNames(t, limited); !slices.Equal(got, []string{"alpha__echo", "alpha__search"}) {
		t.Fatalf("k-alpha tools = %v", got)
	}
	if _, err := mcpCall(limited, "beta__search", "q"); err == nil || !strings.Contains(err.Error(), "not available") {
		t.Fatalf("k-alpha calling beta__search: %v", err)
	}

	// beta goes down mid-session: it drops out, alpha keeps working.
	beta.down.Store(true)
	if got := mcpToolNames(t, all); !slices.Equal(got, []string{"alpha__echo", "alpha__search"}) {
		t.Fatalf("tools with beta down = %v", got)
	}
	if _, err := mcpCall(all, "beta__search", "q"); err == nil {
		t.Fatal("a call to the down server succeeded")
	}

	// Closing the client's session closes its upstream session.
	if err := limited.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-alpha.deletes:
	case <-time.After(5 * time.Second):
		t.Fatal("alpha's session was not closed with the client's")
	}

	_, status := g.get2999("/ai_backends/status")
	if !strings.Contains(status, `"mcp":{"path":"/mcp"`) || !strings.Contains(status, `"name":"beta"`) {
		t.Fatalf("status API without the MCP servers: %s", status)
	}
	_, metrics := g.get2999("/metrics")
	if !strings.Contains(metrics, `ai_mcp_requests_total{method="tools/call",server="alpha",status="denied"}`) &&
		!strings.Contains(metrics, `ai_mcp_requests_total{method="tools/call",server="beta",status="denied"}`) {
		t.Fatalf("no denied tool call in /metrics:\n%s", grepLines(metrics, "ai_mcp_"))
	}
	if logs := g.logText(); !strings.Contains(logs, `"msg":"mcp tool call"`) || strings.Contains(logs, "k-all") {
		t.Fatal("the audit log lacks the tool calls or shows a client key")
	}
}

func grepLines(s, substr string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
