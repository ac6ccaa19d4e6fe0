package mcpgateway

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

func TestListMergesServersWithQualifiedNames(t *testing.T) {
	alpha := newUpstream(t, "alpha", "echo", "search")
	beta := newUpstream(t, "beta", "search")
	g := startGateway(t, Options{}, alpha.config(), beta.config())
	cs := g.connect(t, "k-all", nil)

	got := toolNames(t, cs)
	want := []string{"alpha__echo", "alpha__search", "beta__search"}
	if !slices.Equal(got, want) {
		t.Fatalf("tools = %v, want %v", got, want)
	}
	for _, c := range []struct{ tool, want string }{
		{"alpha__search", "alpha:search:q"}, {"beta__search", "beta:search:q"}, {"alpha__echo", "alpha:echo:q"},
	} {
		out, err := callText(t, cs, c.tool, "q")
		if err != nil || out != c.want {
			t.Errorf("call %s = %q, %v; want %q", c.tool, out, err, c.want)
		}
	}
	if ev := g.events.find("tools/call", StatusOK); ev == nil || ev.Caller.Fingerprint() == "" || ev.ArgBytes == 0 {
		t.Errorf("no tools/call event with the caller and argument size: %+v", ev)
	}
}

func TestServerExposeList(t *testing.T) {
	alpha := newUpstream(t, "alpha", "echo", "delete_all")
	cfg := alpha.config()
	cfg.Tools = []string{"echo"}
	g := startGateway(t, Options{}, cfg)
	cs := g.connect(t, "k-all", nil)
	if got := toolNames(t, cs); !slices.Equal(got, []string{"alpha__echo"}) {
		t.Fatalf("tools = %v, want only alpha__echo", got)
	}
	if _, err := callText(t, cs, "alpha__delete_all", "x"); err == nil {
		t.Fatal("a tool the server config does not expose was called")
	}
	if alpha.calls.Load() != 0 {
		t.Fatal("the unexposed tool call reached the server")
	}
}

func TestKeyAllowListHidesAndRefuses(t *testing.T) {
	alpha := newUpstream(t, "alpha", "echo")
	beta := newUpstream(t, "beta", "search")
	g := startGateway(t, Options{}, alpha.config(), beta.config())
	cs := g.connect(t, "k-alpha", nil)

	if got := toolNames(t, cs); !slices.Equal(got, []string{"alpha__echo"}) {
		t.Fatalf("tools for k-alpha = %v, want only alpha__echo", got)
	}
	_, err := callText(t, cs, "beta__search", "q")
	var werr *jsonrpc.Error
	if !errors.As(err, &werr) || werr.Code != jsonrpc.CodeInvalidParams || !strings.Contains(werr.Message, "not available") {
		t.Fatalf("call of another key's tool: err = %v, want a JSON-RPC invalid-params error", err)
	}
	if n := beta.calls.Load(); n != 0 {
		t.Fatalf("beta received %d calls for a tool outside the key's list", n)
	}
	if ev := g.events.find("tools/call", StatusDenied); ev == nil || ev.Server != "beta" {
		t.Fatalf("no denied event for beta: %+v", ev)
	}
}

func TestUnknownServerIsRefused(t *testing.T) {
	alpha := newUpstream(t, "alpha", "echo")
	g := startGateway(t, Options{}, alpha.config())
	cs := g.connect(t, "k-all", nil)
	for _, name := range []string{"nosuch__echo", "echo", "alpha__", "alpha__nosuch"} {
		if _, err := callText(t, cs, name, "x"); err == nil {
			t.Errorf("call %q succeeded", name)
		}
	}
	if ev := g.events.find("tools/call", StatusDenied); ev == nil || ev.Server != UnknownServer {
		t.Errorf("an unknown server's name became a label: %+v", ev)
	}
}

func TestToolCallRateLimit(t *testing.T) {
	alpha := newUpstream(t, "alpha", "echo")
	g := startGateway(t, Options{}, alpha.config())
	cs := g.connect(t, "k-rate", nil)
	if _, err := callText(t, cs, "alpha__echo", "1"); err != nil {
		t.Fatal(err)
	}
	_, err := callText(t, cs, "alpha__echo", "2")
	var werr *jsonrpc.Error
	if !errors.As(err, &werr) || werr.Code != codeRateLimited || !strings.Contains(string(werr.Data), "retry_after_seconds") {
		t.Fatalf("second call: err = %v, want the rate-limit error", err)
	}
	if alpha.calls.Load() != 1 {
		t.Fatalf("alpha got %d calls, want 1", alpha.calls.Load())
	}
}

func TestUpstreamSessionsOpenLazilyAndCloseWithClient(t *testing.T) {
	alpha := newUpstream(t, "alpha", "echo")
	beta := newUpstream(t, "beta", "search")
	g := startGateway(t, Options{}, alpha.config(), beta.config())
	cs := g.connect(t, "k-all", nil)
	if alpha.initialized.Load() != 0 || beta.initialized.Load() != 0 {
		t.Fatal("upstream sessions were opened before the client needed one")
	}
	if _, err := callText(t, cs, "alpha__echo", "x"); err != nil {
		t.Fatal(err)
	}
	if _, err := callText(t, cs, "alpha__echo", "y"); err != nil {
		t.Fatal(err)
	}
	if alpha.initialized.Load() != 1 || beta.initialized.Load() != 0 {
		t.Fatalf("initialized alpha=%d beta=%d, want 1 and 0", alpha.initialized.Load(), beta.initialized.Load())
	}
	if g.gw.Sessions() != 1 {
		t.Fatalf("gateway sessions = %d, want 1", g.gw.Sessions())
	}
	if err := cs.Close(); err != nil {
		t.Fatal(err)
	}
	alpha.waitDeleted(t)
	if st := g.gw.Status(func(s string) string { return s }); st[0].OpenSessions != 0 || !st[0].Reached {
		t.Fatalf("alpha status after close: %+v", st[0])
	}
}

func TestServerDownMidSessionDropsOut(t *testing.T) {
	alpha := newUpstream(t, "alpha", "echo")
	beta := newUpstream(t, "beta", "search")
	g := startGateway(t, Options{}, alpha.config(), beta.config())
	cs := g.connect(t, "k-all", nil)
	if got := toolNames(t, cs); len(got) != 2 {
		t.Fatalf("tools = %v", got)
	}
	beta.down.Store(true)
	if got := toolNames(t, cs); !slices.Equal(got, []string{"alpha__echo"}) {
		t.Fatalf("tools with beta down = %v, want only alpha's", got)
	}
	_, err := callText(t, cs, "beta__search", "q")
	var werr *jsonrpc.Error
	if !errors.As(err, &werr) || werr.Code != codeUnavailable {
		t.Fatalf("call to the down server: err = %v, want the unavailable error", err)
	}
	if out, err := callText(t, cs, "alpha__echo", "still"); err != nil || out != "alpha:echo:still" {
		t.Fatalf("alpha after beta went down: %q, %v", out, err)
	}
	if st := g.gw.Status(func(s string) string { return s }); st[1].Breaker != "open" {
		t.Fatalf("beta breaker = %s, want open", st[1].Breaker)
	}
}

func TestFailingServerDoesNotFailSession(t *testing.T) {
	alpha := newUpstream(t, "alpha", "echo")
	failing := newUpstream(t, "failing", "boom")
	failing.down.Store(true)
	g := startGateway(t, Options{}, alpha.config(), failing.config())
	cs := g.connect(t, "k-all", nil)
	if got := toolNames(t, cs); !slices.Equal(got, []string{"alpha__echo"}) {
		t.Fatalf("tools = %v, want alpha's only", got)
	}
	if g.events.find("tools/list", StatusUnavailable) == nil {
		t.Fatal("the failing server's list was not observed as unavailable")
	}
}

func TestCancellationReachesUpstreamAndProgressIsRelayed(t *testing.T) {
	slow := newUpstream(t, "slow")
	started := make(chan struct{})
	cancelled := make(chan struct{})
	mcp.AddTool(slow.server, &mcp.Tool{Name: "wait"}, func(ctx context.Context, req *mcp.CallToolRequest, _ echoIn) (*mcp.CallToolResult, any, error) {
		_ = req.Session.NotifyProgress(ctx, &mcp.ProgressNotificationParams{ProgressToken: req.Params.GetProgressToken(), Progress: 1, Total: 2})
		close(started)
		<-ctx.Done()
		close(cancelled)
		return nil, nil, ctx.Err()
	})
	g := startGateway(t, Options{}, slow.config())
	progress := make(chan float64, 1)
	cs := g.connect(t, "k-all", &mcp.ClientOptions{
		ProgressNotificationHandler: func(_ context.Context, r *mcp.ProgressNotificationClientRequest) {
			progress <- r.Params.Progress
		},
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		params := &mcp.CallToolParams{Name: "slow__wait", Arguments: map[string]any{"text": "t"}}
		params.SetProgressToken("tok-1")
		_, err := cs.CallTool(ctx, params)
		done <- err
	}()
	select {
	case <-started:
	case err := <-done:
		t.Fatalf("the call ended before the tool started: %v", err)
	}
	if p := <-progress; p != 1 { // sent before started closed, relayed in order
		t.Fatalf("progress = %v, want 1", p)
	}
	cancel()
	if err := <-done; err == nil {
		t.Fatal("a cancelled call returned no error")
	}
	<-cancelled // the upstream handler saw the cancellation
	// The session survives a cancelled call.
	if got := toolNames(t, cs); !slices.Equal(got, []string{"slow__wait"}) {
		t.Fatalf("tools after cancel = %v", got)
	}
}

func TestToolListChangedIsRelayed(t *testing.T) {
	alpha := newUpstream(t, "alpha", "echo")
	g := startGateway(t, Options{}, alpha.config())
	changed := make(chan struct{}, 4)
	cs := g.connect(t, "k-all", &mcp.ClientOptions{
		ToolListChangedHandler: func(context.Context, *mcp.ToolListChangedRequest) { changed <- struct{}{} },
	})
	toolNames(t, cs) // opens the upstream session
	alpha.server.AddTool(&mcp.Tool{Name: "added", InputSchema: map[string]any{"type": "object"}},
		func(context.Context, *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return &mcp.CallToolResult{}, nil
		})
	<-changed
	if got := toolNames(t, cs); !slices.Contains(got, "alpha__added") || slices.Contains(got, "gateway__list_changed") {
		t.Fatalf("tools after list_changed = %v", got)
	}
}
