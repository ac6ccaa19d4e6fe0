package aibackends

import (
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2/caddyconfig"
)

// TestTracingCaddyfile: tracing_content takes a size, a provider's
// trace_context on|off, and Caddy's own `tracing` directive sorts before
// ai_backends without an order or route block, so its server span is in
// the request's context when the gateway runs.
func TestTracingCaddyfile(t *testing.T) {
	h := caddyfileHandler(t, `ai_backends {
		tracing_content 4KiB
		provider a openai {
			api_key k
			models m
			trace_context off
		}
		provider b openai {
			api_key k
			models m
			trace_context on
		}
	}`)
	if h.TracingContent != 4096 {
		t.Errorf("tracing_content = %d, want 4096", h.TracingContent)
	}
	if len(h.ProvidersRaw) != 2 || !strings.Contains(string(h.ProvidersRaw[0]), `"trace_context":false`) ||
		strings.Contains(string(h.ProvidersRaw[1]), "trace_context") {
		t.Errorf("providers: %s", h.ProvidersRaw)
	}

	caddyfileRejects(t, map[string]string{
		"size":          `ai_backends { tracing_content lots }`,
		"no size":       `ai_backends { tracing_content }`,
		"trace_context": `ai_backends { provider a openai { trace_context maybe } }`,
	})

	out, _, err := caddyconfig.GetAdapter("caddyfile").Adapt([]byte(`:8080 {
		ai_backends {
			provider demo sim {
				models m
			}
		}
		tracing {
			span ai-gateway
		}
	}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	tr, ai := strings.Index(string(out), `"handler":"tracing"`), strings.Index(string(out), `"handler":"ai_backends"`)
	if tr < 0 || ai < 0 || tr > ai {
		t.Errorf("tracing must run before ai_backends: %s", out)
	}
}
