package aibackends

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/sira-ai/caddy-ai-backends/internal/mcptest"
	"github.com/sira-ai/caddy-ai-backends/metrics"
	"github.com/sira-ai/caddy-ai-backends/security"
)

func caddyfileDispenser(src string) *caddyfile.Dispenser { return caddyfile.NewTestDispenser(src) }

// mcpCount reads one ai_mcp_requests_total series.
func mcpCount(t *testing.T, server, method, status string) float64 {
	t.Helper()
	reg := prometheus.NewRegistry()
	if err := metrics.Register(reg); err != nil {
		t.Fatal(err)
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "ai_mcp_requests_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			l := map[string]string{}
			for _, lp := range m.GetLabel() {
				l[lp.GetName()] = lp.GetValue()
			}
			if l["server"] == server && l["method"] == method && l["status"] == status {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

// mcpToolServer is an upstream MCP server (Go SDK) whose tools answer
// "<server>:<tool>:<text>".
func mcpToolServer(t testing.TB, name string, tools ...string) *httptest.Server {
	t.Helper()
	s := mcp.NewServer(&mcp.Implementation{Name: name, Version: "1"}, nil)
	mcptest.AddEchoTools(s, name, nil, tools...)
	srv := httptest.NewServer(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s }, nil))
	t.Cleanup(srv.Close)
	return srv
}

func mcpConnect(t testing.TB, url, key string) *mcp.ClientSession {
	t.Helper()
	return mcptest.Connect(t, url, "Authorization", "Bearer "+key, nil)
}

// mcpHandler serves a handler whose config is an mcp block over the given
// upstreams, with two keys and audit_prompts on; it returns the handler's
// base URL and its audit log.
func mcpHandler(t *testing.T, search, files string) (*Handler, string, *observer.ObservedLogs) {
	t.Helper()
	h := pipeHandler(t, fmt.Sprintf(`{
		"client_keys": [{"key": "k-all"}, {"key": "k-search", "label": "searcher", "mcp_tools": ["search__*"]}],
		"audit_prompts": true,
		"security": {"filter_action": "redact"},
		"mcp": {"path": "/mcp", "servers": [
			{"name": "search", "url": %q},
			{"name": "files", "url": %q, "tools": ["read"]}
		]}
	}`, search, files))
	core, logs := observer.New(zapcore.InfoLevel)
	h.auditLog = zap.New(core)
	return h, pipeServe(t, h), logs
}

func TestMCPGatewayInHandler(t *testing.T) {
	search := mcpToolServer(t, "search", "query")
	files := mcpToolServer(t, "files", "read", "write")
	h, base, logs := mcpHandler(t, search.URL, files.URL)

	all := mcpConnect(t, base+"/mcp", "k-all")
	names := mcptest.ToolNames(t, all)
	if strings.Join(names, ",") != "search__query,files__read" {
		t.Fatalf("tools = %v (files__write is not exposed)", names)
	}
	before := mcpCount(t, "search", "tools/call", "ok")
	const email = "bob@example.com"
	res, err := all.CallTool(context.Background(), &mcp.CallToolParams{Name: "search__query", Arguments: map[string]any{"text": "mail " + email}})
	if err != nil || res.IsError {
		t.Fatalf("call: %v %+v", err, res)
	}
	if txt := res.Content[0].(*mcp.TextContent).Text; strings.Contains(txt, email) || !strings.HasPrefix(txt, "search:query:") {
		t.Fatalf("result %q: the filter did not redact the arguments", txt)
	}
	if got := mcpCount(t, "search", "tools/call", "ok"); got != before+1 {
		t.Fatalf("ai_mcp_requests_total ok = %v, want %v", got, before+1)
	}

	// The searcher key sees and may call only search's tools.
	searcher := mcpConnect(t, base+"/mcp", "k-search")
	if _, err := searcher.CallTool(context.Background(), &mcp.CallToolParams{Name: "files__read", Arguments: map[string]any{"text": "x"}}); err == nil {
		t.Fatal("k-search called files__read")
	}

	entries := logs.FilterMessage("mcp tool call").All()
	if len(entries) != 2 {
		t.Fatalf("audit entries = %d, want 2", len(entries))
	}
	ok := entries[0].ContextMap()
	if ok["client_key"] != security.Fingerprint("k-all") || ok["mcp_server"] != "search" || ok["tool"] != "query" ||
		ok["outcome"] != "ok" || ok["argument_bytes"].(int64) == 0 {
		t.Fatalf("audit entry %v", ok)
	}
	if args, _ := ok["arguments"].(string); args == "" || strings.Contains(args, email) {
		t.Fatalf("audited arguments %q: want them, redacted", args)
	}
	denied := entries[1].ContextMap()
	if denied["outcome"] != "denied" || denied["client_label"] != "searcher" || denied["mcp_server"] != "files" {
		t.Fatalf("denied audit entry %v", denied)
	}
	for _, e := range logs.All() {
		if strings.Contains(fmt.Sprint(e.ContextMap()), "k-all") {
			t.Fatalf("a client key reached the audit log: %v", e.ContextMap())
		}
	}

	st, _ := json.Marshal(h.status())
	if !strings.Contains(string(st), `"mcp":{"path":"/mcp","sessions":2`) || !strings.Contains(string(st), `"name":"files"`) {
		t.Fatalf("status: %s", st)
	}
}

func TestMCPRefusesBadKeyInJSONRPC(t *testing.T) {
	search := mcpToolServer(t, "search", "query")
	_, base, _ := mcpHandler(t, search.URL, search.URL)
	req, _ := http.NewRequest(http.MethodPost, base+"/mcp", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"ping"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Api-Key", "k-wrong")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Error struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&body)
	if resp.StatusCode != http.StatusUnauthorized || body.Error.Code == 0 || strings.Contains(body.Error.Message, "k-wrong") {
		t.Fatalf("bad key: %d %+v", resp.StatusCode, body)
	}
}

func TestMCPCaddyfile(t *testing.T) {
	h := &Handler{}
	err := h.UnmarshalCaddyfile(caddyfileDispenser(`ai_backends {
		client_key k1 {
			mcp_tools search__* files__read
			mcp_calls_per_minute 30
		}
		mcp /tools {
			max_message_size 1MB
			session_idle_timeout 10m
			server search https://search.internal/mcp {
				header X-Token {env.SEARCH_TOKEN}
				timeout 5s
				tools query
			}
			server files http://files:9000/sse {
				transport sse
				pass_client_token
			}
		}
	}`))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(map[string]any{"mcp": h.MCP, "key": h.ClientKeys[0]})
	want := `{"key":{"key":"k1","mcp_tools":["search__*","files__read"],"mcp_calls_per_minute":30},` +
		`"mcp":{"path":"/tools","servers":[{"name":"search","url":"https://search.internal/mcp","headers":{"X-Token":"{env.SEARCH_TOKEN}"},"timeout":5000000000,"tools":["query"]},` +
		`{"name":"files","url":"http://files:9000/sse","transport":"sse","pass_client_token":true}],"max_message_size":1000000,"session_idle_timeout":600000000000}}`
	if string(got) != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	for name, src := range map[string]string{
		"no servers":    `ai_backends { mcp }`,
		"bad transport": `ai_backends { mcp { server a http://x { transport stdio } } }`,
		"twice":         `ai_backends { mcp { server a http://x } ` + "\n" + `mcp { server b http://y } }`,
		"dup server":    `ai_backends { mcp { server a http://x ` + "\n" + `server a http://y } }`,
		"server usage":  `ai_backends { mcp { server a } }`,
	} {
		if err := (&Handler{}).UnmarshalCaddyfile(caddyfileDispenser(src)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
