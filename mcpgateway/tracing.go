package mcpgateway

import (
	"encoding/json"
	"net/http"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

const tracerName = "github.com/sira-ai/caddy-ai-backends/mcpgateway"

// traceMessage starts a span for a JSON-RPC request POSTed to the endpoint,
// under the request's span when one is recording (Caddy's tracing
// handler), named and described as OpenTelemetry's MCP conventions say:
// "tools/call <tool>", mcp.method.name, gen_ai.tool.name. The SDK answers
// a call on the same POST, so the span lasts as long as the call. It
// carries no session id, arguments or results. Notifications and
// responses get no span.
func traceMessage(r *http.Request, msg jsonrpc.Message) (*http.Request, trace.Span) {
	req, ok := msg.(*jsonrpc.Request)
	if !ok || !req.IsCall() {
		return r, nil
	}
	parent := trace.SpanFromContext(r.Context())
	if !parent.IsRecording() {
		return r, nil
	}
	name := req.Method
	attrs := []attribute.KeyValue{attribute.String("mcp.method.name", req.Method)}
	if req.Method == "tools/call" {
		var p struct {
			Name string `json:"name"`
		}
		if json.Unmarshal(req.Params, &p) == nil && p.Name != "" {
			name += " " + p.Name
			attrs = append(attrs, attribute.String("gen_ai.operation.name", "execute_tool"),
				attribute.String("gen_ai.tool.name", p.Name))
		}
	}
	ctx, span := parent.TracerProvider().Tracer(tracerName).Start(r.Context(), name,
		trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(attrs...))
	return r.WithContext(ctx), span
}
