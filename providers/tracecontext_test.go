package providers

import (
	"context"
	"net/http"
	"testing"

	"go.opentelemetry.io/otel/trace"
)

// TestInjectTraceContext: a valid span context becomes traceparent unless
// trace_context is off; without one nothing is written or allocated.
func TestInjectTraceContext(t *testing.T) {
	sc := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{1, 2, 3}, SpanID: trace.SpanID{4, 5, 6}, TraceFlags: trace.FlagsSampled,
	})
	traced := trace.ContextWithSpanContext(context.Background(), sc)
	off := false
	for _, c := range []struct {
		name string
		ctx  context.Context
		cfg  Config
		want string
	}{
		{"traced", traced, Config{}, "00-01020300000000000000000000000000-0405060000000000-01"},
		{"off", traced, Config{TraceContext: &off}, ""},
		{"untraced", context.Background(), Config{}, ""},
	} {
		req, _ := http.NewRequestWithContext(c.ctx, http.MethodPost, "http://upstream.test/v1/chat/completions", nil)
		c.cfg.injectTraceContext(req)
		if got := req.Header.Get("traceparent"); got != c.want {
			t.Errorf("%s: traceparent %q, want %q", c.name, got, c.want)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, "http://upstream.test/", nil)
	var cfg Config
	if n := testing.AllocsPerRun(100, func() { cfg.injectTraceContext(req) }); n != 0 {
		t.Errorf("untraced injection allocates %.0f times", n)
	}
}
