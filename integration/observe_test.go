package integration

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
)

// metricValue returns the sum of a metric's samples whose labels contain
// every given label pair, from the admin /metrics text.
func metricValue(t testing.TB, text, name string, labels ...string) float64 {
	t.Helper()
	sum := 0.0
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + `(\{[^}]*\})? (\S+)$`)
	for _, m := range re.FindAllStringSubmatch(text, -1) {
		ok := true
		for i := 0; i+1 < len(labels); i += 2 {
			if !strings.Contains(m[1], fmt.Sprintf(`%s="%s"`, labels[i], labels[i+1])) {
				ok = false
			}
		}
		if ok {
			v, _ := strconv.ParseFloat(m[2], 64)
			sum += v
		}
	}
	return sum
}

func TestMetricsCostStatusAndAudit(t *testing.T) {
	t.Setenv("TEST_OPENAI_KEY", upstreamKey)
	fake, _ := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{CachedTokens: 4})
	site := fmt.Sprintf(`	ai_backends {
		provider meter openai {
			base_url %s/v1
			api_key {env.TEST_OPENAI_KEY}
			models gpt-4o-mini
			model_override gpt-4o-mini {
				input 1
				cached_input 0.5
				output 2
			}
		}
	}`, fake.URL)
	g := startGateway(t, site)
	_, before := g.get2999("/metrics")
	reqsBefore := metricValue(t, before, "ai_requests_total", "provider", "meter")
	costBefore := metricValue(t, before, "ai_cost_total", "provider", "meter")

	var wantCost float64
	for i := 0; i < 3; i++ {
		u, got := pricedChat(t, g, "gpt-4o-mini", "count my tokens")
		want := (float64(u.Prompt-u.Details.Cached)*1 + float64(u.Details.Cached)*0.5 + float64(u.Completion)*2) / 1e6
		if diff := got - want; diff > 1e-9 || diff < -1e-9 {
			t.Fatalf("cost header %v, want %v (usage %+v)", got, want, u)
		}
		wantCost += want
	}
	_, after := g.get2999("/metrics")
	if got := metricValue(t, after, "ai_requests_total", "provider", "meter", "status", "200") - reqsBefore; got != 3 {
		t.Fatalf("ai_requests_total grew by %v, want 3", got)
	}
	if got := metricValue(t, after, "ai_cost_total", "provider", "meter") - costBefore; got-wantCost > 1e-9 || wantCost-got > 1e-9 {
		t.Fatalf("ai_cost_total grew by %v, want %v", got, wantCost)
	}
	if metricValue(t, after, "ai_request_duration_seconds_count", "provider", "meter") < 3 {
		t.Fatal("latency histogram not populated")
	}
	if metricValue(t, after, "ai_tokens_total", "provider", "meter", "type", "cached") < 12 {
		t.Fatal("cached tokens not counted")
	}

	// Values survive a reload.
	g.reload(site + "\n")
	_, reloaded := g.get2999("/metrics")
	if metricValue(t, reloaded, "ai_requests_total", "provider", "meter") < reqsBefore+3 {
		t.Fatal("metrics lost across a reload")
	}

	_, status := g.get2999("/ai_backends/status")
	var st struct {
		Handlers []struct {
			Routing   struct{ Strategy string } `json:"routing"`
			Providers []struct {
				Name string
				Type string
				Keys []struct {
					Fingerprint string
					State       string
					Requests    int64
				}
			} `json:"providers"`
			Deployments []struct {
				ID      string
				Healthy bool
				Breaker struct{ State string }   `json:"breaker"`
				Stats   struct{ Requests int64 } `json:"stats"`
			} `json:"deployments"`
		} `json:"handlers"`
	}
	if err := json.Unmarshal([]byte(status), &st); err != nil || len(st.Handlers) != 1 {
		t.Fatalf("status: %v %s", err, status)
	}
	h := st.Handlers[0]
	if h.Routing.Strategy != "default" || len(h.Providers) != 1 || h.Providers[0].Type != "openai" ||
		len(h.Providers[0].Keys) != 1 || h.Providers[0].Keys[0].State != "active" || h.Providers[0].Keys[0].Requests < 3 ||
		!strings.HasPrefix(h.Providers[0].Keys[0].Fingerprint, "kfp_") {
		t.Fatalf("status providers: %s", status)
	}
	if len(h.Deployments) != 1 || h.Deployments[0].ID != "meter/gpt-4o-mini" || !h.Deployments[0].Healthy ||
		h.Deployments[0].Breaker.State != "closed" || h.Deployments[0].Stats.Requests < 3 {
		t.Fatalf("status deployments: %s", status)
	}
	if strings.Contains(status, upstreamKey) {
		t.Fatal("the status API returned the key")
	}

	logs := g.logText()
	if !strings.Contains(logs, `"logger":"http.handlers.ai_backends.audit"`) || !strings.Contains(logs, `"deployment":"meter/gpt-4o-mini"`) {
		t.Fatalf("no audit entry in the log")
	}
	if strings.Contains(logs, upstreamKey) || strings.Contains(logs, "count my tokens") {
		t.Fatal("a key or a prompt reached the log")
	}
}
