package mcpgateway

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// Under a recording request span (Caddy's tracing handler), each JSON-RPC
// call gets a child span named after its method and tool, with no
// arguments, results or session id on it.
func TestCallsAreTraced(t *testing.T) {
	alpha := newUpstream(t, "alpha", "echo")
	g := startGateway(t, Options{}, alpha.config())
	rec := tracetest.NewSpanRecorder()
	tracer := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec)).Tracer("caddy")
	traced := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, span := tracer.Start(r.Context(), "server")
		defer span.End()
		g.gw.ServeHTTP(w, r.WithContext(ctx))
	}))
	t.Cleanup(traced.Close)
	g.http = traced
	cs := g.connect(t, "k-all", nil)
	if out, err := callText(t, cs, "alpha__echo", "secret-argument"); err != nil || !strings.Contains(out, "echo") {
		t.Fatalf("call: %q %v", out, err)
	}
	var call, list bool
	for _, s := range rec.Ended() {
		for _, a := range s.Attributes() {
			if strings.Contains(a.Value.Emit(), "secret-argument") || a.Key == "mcp.session.id" {
				t.Errorf("span %s carries %s=%s", s.Name(), a.Key, a.Value.Emit())
			}
		}
		switch s.Name() {
		case "tools/call alpha__echo":
			call = s.Parent().SpanID().IsValid()
		case "initialize":
			list = true
		}
	}
	if !call || !list {
		var names []string
		for _, s := range rec.Ended() {
			names = append(names, s.Name())
		}
		t.Fatalf("spans %q: want initialize and tools/call alpha__echo under the server span", names)
	}
}
