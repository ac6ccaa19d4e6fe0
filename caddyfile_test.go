package aibackends

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	_ "github.com/caddyserver/caddy/v2/modules/standard"
)

func TestUnmarshalCaddyfileFull(t *testing.T) {
	var h Handler
	err := h.UnmarshalCaddyfile(caddyfile.NewTestDispenser(`ai_backends {
		provider demo sim {
			models sim-small
			latency 5ms
		}
		provider oai openai {
			api_key {env.X}
			models gpt-4o
		}
		alias smart demo/sim-small oai/gpt-4o
		routing intelligent {
			cache_ttl 1m
			fallback demo
			weights 0.5 0.3 0.2
			regions us-east eu-west
			allow_override
		}
		load_balancing p2c_ewma {
			health_check_interval 30s
		}
		circuit_breaker {
			failure_threshold 3
			failure_ratio 0.5
			min_requests 20
			window 30s
			recovery_timeout 10s
			success_threshold 2
			half_open_probes 2
		}
		retry {
			base_backoff 100ms
			max_backoff 2s
			deadline 1m
		}
		client_key {env.K} {
			label app
			models gpt-*
			requests_per_minute 60
			tokens_per_minute 1000
			budget 5 per 24h
			max_tokens 100
		}
		cache {
			ttl 5m
			max_size 1MiB
			stale_if_error 1h
		}
		security {
			max_depth 32
			filter block email card
			redact_responses
			anomaly {
				factor 8
				cool_down 1m
			}
		}
		degrade_to demo/sim-small
		max_body_size 1MiB
		max_messages 50
	}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(h.ProvidersRaw) != 2 || h.Routing.Strategy != "intelligent" || h.LoadBalancing.Policy != "p2c_ewma" ||
		h.CircuitBreaker.FailureThreshold != 3 || len(h.ClientKeys) != 1 || h.ClientKeys[0].BudgetUSD != 5 ||
		h.Cache.MaxSize != 1<<20 || h.Security.FilterAction != "block" || h.DegradeTo != "demo/sim-small" ||
		h.MaxBodySize != 1<<20 || h.MaxMessages != 50 || len(h.Aliases["smart"]) != 2 {
		t.Fatalf("parsed: %+v", h)
	}
	var p struct {
		Type, Name string
		Models     []string
		APIKeys    []struct{ Value string } `json:"api_keys"`
	}
	if err := json.Unmarshal(h.ProvidersRaw[1], &p); err != nil || p.Type != "openai" || p.Name != "oai" ||
		len(p.APIKeys) != 1 || p.APIKeys[0].Value != "{env.X}" {
		t.Fatalf("provider JSON %s (%v)", h.ProvidersRaw[1], err)
	}
}

func TestUnmarshalCaddyfileErrors(t *testing.T) {
	for name, src := range map[string]string{
		"argument":          `ai_backends extra`,
		"unknown option":    `ai_backends { bogus }`,
		"provider no name":  `ai_backends { provider }`,
		"unknown type":      `ai_backends { provider x nosuchtype }`,
		"duplicate name":    "ai_backends {\nprovider a sim {\nmodels m\n}\nprovider a sim {\nmodels n\n}\n}",
		"bad provider opt":  `ai_backends { provider a sim { flavour sweet } }`,
		"alias short":       "ai_backends {\n alias only\n}",
		"routing twice":     `ai_backends { routing cost routing cost }`,
		"unknown strategy":  `ai_backends { routing nosuch }`,
		"routing opt":       `ai_backends { routing cost { nope } }`,
		"bad weights":       `ai_backends { routing intelligent { weights 1 x 2 } }`,
		"breaker opt":       `ai_backends { circuit_breaker { what 1 } }`,
		"bad duration":      `ai_backends { retry { deadline soon } }`,
		"bad size":          `ai_backends { max_body_size lots }`,
		"budget usage":      `ai_backends { client_key k { budget 5 every day } }`,
		"filter action":     `ai_backends { security { filter shred } }`,
		"negative":          `ai_backends { max_messages -1 }`,
		"cache twice":       `ai_backends { cache cache }`,
		"key no value":      "ai_backends {\nclient_key\n}",
		"model_map usage":   `ai_backends { provider a sim { model_map x } }`,
		"override bad":      `ai_backends { provider a sim { model_override m { input cheap } } }`,
		"override unknown":  `ai_backends { provider a sim { model_override m { colour 1 } } }`,
		"api_key not_after": `ai_backends { provider a openai { api_key k until 2026 } }`,
	} {
		t.Run(name, func(t *testing.T) {
			var h Handler
			if err := h.UnmarshalCaddyfile(caddyfile.NewTestDispenser(src)); err == nil {
				t.Fatalf("accepted %s", src)
			}
		})
	}
}

// TestExamplesAdapt checks that every example Caddyfile adapts to JSON.
func TestExamplesAdapt(t *testing.T) {
	for _, f := range []string{"examples/Caddyfile", "examples/providers.Caddyfile", "examples/docker.Caddyfile", "examples/cluster.Caddyfile", "examples/governance.Caddyfile"} {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		adapter := caddyconfig.GetAdapter("caddyfile")
		out, warnings, err := adapter.Adapt(src, map[string]any{"filename": f})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, w := range warnings {
			t.Logf("%s: %v", f, w)
		}
		if !strings.Contains(string(out), `"handler":"ai_backends"`) {
			t.Fatalf("%s: no ai_backends handler in %s", f, out)
		}
	}
}

func TestUnmarshalCaddyfileResponses(t *testing.T) {
	var h Handler
	d := caddyfile.NewTestDispenser(`ai_backends {
		responses {
			ttl 24h
			max_entries 500
			max_bytes 64MiB
		}
	}`)
	if err := h.UnmarshalCaddyfile(d); err != nil {
		t.Fatal(err)
	}
	if r := h.Responses; r == nil || r.TTL != caddy.Duration(24*time.Hour) || r.MaxEntries != 500 || r.MaxBytes != 64<<20 {
		t.Fatalf("responses = %+v", h.Responses)
	}
	for _, bad := range []string{`ai_backends { responses { ttl } }`, `ai_backends { responses { colour red } }`,
		`ai_backends { responses { max_bytes lots } }`, `ai_backends { responses x }`} {
		var h Handler
		if err := h.UnmarshalCaddyfile(caddyfile.NewTestDispenser(bad)); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}
