package mcpgateway

import (
	"context"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/sira-ai/caddy-ai-backends/internal/mcptest"
)

// BenchmarkToolCall measures one tools/call over Streamable HTTP straight
// to an upstream server and through the gateway (authentication, the
// allow-list, the breaker and the forwarded call on a kept upstream
// session): the difference is the gateway's added latency and CPU.
//
//	go test -run '^$' -bench ToolCall -benchmem ./mcpgateway/
func BenchmarkToolCall(b *testing.B) {
	up := newUpstream(b, "alpha", "echo")
	g := startGateway(b, Options{}, up.config())
	params := &mcp.CallToolParams{Name: "echo", Arguments: map[string]any{"text": "bench"}}

	run := func(b *testing.B, cs *mcp.ClientSession, name string) {
		params.Name = name
		ctx := context.Background()
		if _, err := cs.CallTool(ctx, params); err != nil { // warm: opens the upstream session
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			if _, err := cs.CallTool(ctx, params); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("direct", func(b *testing.B) {
		run(b, mcptest.Connect(b, up.http.URL, "X-Api-Key", "k-all", nil), "echo")
	})
	b.Run("gateway", func(b *testing.B) {
		run(b, g.connect(b, "k-all", nil), "alpha__echo")
	})
}
