package mcpgateway

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/sira-ai/caddy-ai-backends/security"
)

func TestPromptsAndResourcesAreRouted(t *testing.T) {
	alpha := newUpstream(t, "alpha", "echo")
	alpha.server.AddPrompt(&mcp.Prompt{Name: "greet"}, func(_ context.Context, r *mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
		return &mcp.GetPromptResult{Messages: []*mcp.PromptMessage{{Role: "user", Content: &mcp.TextContent{Text: "hello " + r.Params.Arguments["who"]}}}}, nil
	})
	alpha.server.AddResource(&mcp.Resource{Name: "readme", URI: "alpha://readme"}, func(_ context.Context, r *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
		return &mcp.ReadResourceResult{Contents: []*mcp.ResourceContents{{URI: r.Params.URI, Text: "alpha readme"}}}, nil
	})
	alpha.server.AddResourceTemplate(&mcp.ResourceTemplate{Name: "doc", URITemplate: "alpha://docs/{name}"},
		func(_ context.Context, r *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
			return &mcp.ReadResourceResult{Contents: []*mcp.ResourceContents{{URI: r.Params.URI, Text: "doc " + r.Params.URI}}}, nil
		})
	beta := newUpstream(t, "beta", "search") // no prompts or resources
	g := startGateway(t, Options{}, alpha.config(), beta.config())
	cs := g.connect(t, "k-all", nil)
	ctx := context.Background()

	prompts, err := cs.ListPrompts(ctx, nil)
	if err != nil || len(prompts.Prompts) != 1 || prompts.Prompts[0].Name != "alpha__greet" {
		t.Fatalf("prompts/list = %+v, %v", prompts, err)
	}
	got, err := cs.GetPrompt(ctx, &mcp.GetPromptParams{Name: "alpha__greet", Arguments: map[string]string{"who": "bob"}})
	if err != nil || got.Messages[0].Content.(*mcp.TextContent).Text != "hello bob" {
		t.Fatalf("prompts/get = %+v, %v", got, err)
	}
	resources, err := cs.ListResources(ctx, nil)
	if err != nil || len(resources.Resources) != 1 || resources.Resources[0].Name != "alpha__readme" {
		t.Fatalf("resources/list = %+v, %v", resources, err)
	}
	read, err := cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: "alpha://readme"})
	if err != nil || read.Contents[0].Text != "alpha readme" {
		t.Fatalf("resources/read = %+v, %v", read, err)
	}
	if _, err := cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: "alpha://secret"}); err == nil {
		t.Fatal("an unlisted resource was read")
	}
	templates, err := cs.ListResourceTemplates(ctx, nil)
	if err != nil || len(templates.ResourceTemplates) != 1 || templates.ResourceTemplates[0].Name != "alpha__doc" {
		t.Fatalf("resources/templates/list = %+v, %v", templates, err)
	}
	read, err = cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: "alpha://docs/intro"})
	if err != nil || read.Contents[0].Text != "doc alpha://docs/intro" {
		t.Fatalf("read through a template = %+v, %v", read, err)
	}
	caps := cs.InitializeResult().Capabilities
	if caps.Tools == nil || caps.Prompts == nil || caps.Resources == nil {
		t.Fatalf("initialize capabilities %+v, want tools, prompts and resources", caps)
	}
}

func TestSecurityFilterOnArgumentsAndResults(t *testing.T) {
	const secret = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD"
	for _, action := range []security.Action{security.ActionRedact, security.ActionBlock} {
		t.Run(string(action), func(t *testing.T) {
			alpha := newUpstream(t, "alpha", "echo")
			f, err := security.NewFilter(security.FilterConfig{Action: action})
			if err != nil {
				t.Fatal(err)
			}
			g := startGateway(t, Options{Filter: f}, alpha.config())
			cs := g.connect(t, "k-all", nil)
			out, err := callText(t, cs, "alpha__echo", "key "+secret)
			if action == security.ActionBlock {
				var werr *jsonrpc.Error
				if !errors.As(err, &werr) || werr.Code != codeBlocked || alpha.calls.Load() != 0 {
					t.Fatalf("blocked call: err %v, upstream calls %d", err, alpha.calls.Load())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if args, _ := alpha.lastArgs.Load().(string); strings.Contains(args, secret) || !strings.Contains(args, "[REDACTED") {
				t.Fatalf("upstream saw arguments %q", args)
			}
			if strings.Contains(out, secret) {
				t.Fatalf("the result leaked the secret: %q", out)
			}
		})
	}
}

func TestPassClientTokenAndStaticHeaders(t *testing.T) {
	seen := make(chan http.Header, 8)
	alpha := newUpstream(t, "alpha", "echo")
	spy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case seen <- r.Header.Clone():
		default:
		}
		alpha.http.Config.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(spy.Close)
	cfg := alpha.config()
	cfg.URL = spy.URL
	cfg.Headers = http.Header{"X-Upstream-Key": {"static-secret"}}
	cfg.PassClientToken = true
	g := startGateway(t, Options{Authenticate: func(r *http.Request) (*Caller, error) {
		return &Caller{Token: "client-token"}, nil
	}}, cfg)
	cs := g.connect(t, "ignored", nil)
	if _, err := callText(t, cs, "alpha__echo", "x"); err != nil {
		t.Fatal(err)
	}
	h := <-seen
	if h.Get("X-Upstream-Key") != "static-secret" || h.Get("Authorization") != "Bearer client-token" {
		t.Fatalf("upstream headers: %v", h)
	}
}

func TestSSEUpstream(t *testing.T) {
	old := mcp.NewServer(&mcp.Implementation{Name: "old", Version: "1"}, nil)
	mcp.AddTool(old, &mcp.Tool{Name: "ping"}, func(context.Context, *mcp.CallToolRequest, echoIn) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "pong"}}}, nil, nil
	})
	srv := httptest.NewServer(mcp.NewSSEHandler(func(*http.Request) *mcp.Server { return old }, nil))
	t.Cleanup(srv.Close)
	g := startGateway(t, Options{}, ServerConfig{Name: "old", URL: srv.URL, Transport: TransportSSE})
	cs := g.connect(t, "k-all", nil)
	if out, err := callText(t, cs, "old__ping", "x"); err != nil || out != "pong" {
		t.Fatalf("call over SSE: %q, %v", out, err)
	}
	if err := cs.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestConfigErrors(t *testing.T) {
	for name, cfg := range map[string]ServerConfig{
		"separator in name": {Name: "a__b", URL: "http://x"},
		"bad char":          {Name: "a b", URL: "http://x"},
		"relative url":      {Name: "a", URL: "/mcp"},
		"bad transport":     {Name: "a", URL: "http://x", Transport: "stdio"},
		"bad tools list":    {Name: "a", URL: "http://x", Tools: []string{"a*b"}},
	} {
		if _, err := New(Options{Servers: []ServerConfig{cfg}}); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := New(Options{Servers: []ServerConfig{{Name: "a", URL: "http://x"}, {Name: "a", URL: "http://y"}}}); err == nil {
		t.Error("a duplicate server name was accepted")
	}
}
