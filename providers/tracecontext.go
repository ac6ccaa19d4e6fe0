package providers

import (
	"net/http"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/sira-ai/caddy-ai-backends/internal/caddyargs"
)

// w3cTraceContext writes traceparent and tracestate (W3C Trace Context),
// the one format every tracing backend reads, whatever propagators the
// gateway's own server span was extracted with.
var w3cTraceContext propagation.TraceContext

// injectTraceContext adds the attempt's trace context to an upstream
// request, unless the provider turned it off (trace_context off: some
// upstreams reject headers they do not know). Without a valid span in the
// request's context nothing is written and nothing allocated.
func (c *Config) injectTraceContext(req *http.Request) {
	if c.TraceContext != nil && !*c.TraceContext {
		return
	}
	ctx := req.Context()
	if !trace.SpanContextFromContext(ctx).IsValid() {
		return
	}
	w3cTraceContext.Inject(ctx, propagation.HeaderCarrier(req.Header))
}

// parseTraceContext reads `trace_context on|off`.
func (c *Config) parseTraceContext(d *caddyfile.Dispenser) error {
	var v string
	if err := caddyargs.String(d, &v); err != nil {
		return err
	}
	switch v {
	case "on":
		c.TraceContext = nil // the default
	case "off":
		off := false
		c.TraceContext = &off
	default:
		return d.Errf("trace_context: want on or off, got %q", v)
	}
	return nil
}
