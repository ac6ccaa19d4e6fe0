package sim

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

func TestProvisionDefaults(t *testing.T) {
	p, _ := newSim(t, nil)
	if p.Name != "sim" || p.Type() != "sim" {
		t.Errorf("name/type = %q/%q, want sim/sim", p.Name, p.Type())
	}
	if p.MaxOutput != 64 || p.FailureStatus != 500 || time.Duration(p.RetryAfter) != time.Second ||
		p.EmbeddingDimensions != 256 || p.interval != 0 {
		t.Errorf("defaults not applied: %+v", p)
	}
	if p.Base() != &p.Config {
		t.Error("Base() must return the embedded config")
	}
	if err := p.Cleanup(); err != nil {
		t.Error(err)
	}
}

func TestProvisionNeedsNoKeyOrURL(t *testing.T) {
	p := &Provider{}
	if err := p.Provision(caddy.Context{}); err != nil {
		t.Fatalf("a bare simulator must provision: %v", err)
	}
	if p.sleep == nil || p.now == nil {
		t.Fatal("real clock not installed")
	}
}

func TestProvisionRejects(t *testing.T) {
	for name, configure := range map[string]func(*Provider){
		"rate above 1":     func(p *Provider) { p.FailureRate = 1.5 },
		"negative rate":    func(p *Provider) { p.FailureRate = -0.1 },
		"status 200":       func(p *Provider) { p.FailureStatus = 200 },
		"status 600":       func(p *Provider) { p.FailureStatus = 600 },
		"negative latency": func(p *Provider) { p.Latency = -1 },
		"negative tps":     func(p *Provider) { p.TokensPerSecond = -1 },
		"huge dimensions":  func(p *Provider) { p.EmbeddingDimensions = maxDimensions + 1 },
		"negative output":  func(p *Provider) { p.MaxOutput = -1 },
		"bad name":         func(p *Provider) { p.Name = "a/b" },
	} {
		p := &Provider{}
		configure(p)
		if err := p.Provision(caddy.Context{}); err == nil {
			t.Errorf("%s: Provision accepted it", name)
		}
	}
}

func TestJSONConfig(t *testing.T) {
	var p Provider
	err := json.Unmarshal([]byte(`{"name":"demo","models":["sim-small"],"latency":"20ms","jitter":"5ms",
		"tokens_per_second":50,"failure_rate":0.25,"failure_status":429,"retry_after":"2s",
		"max_output":16,"embedding_dimensions":32,"seed":7}`), &p)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Provision(caddy.Context{}); err != nil {
		t.Fatal(err)
	}
	if time.Duration(p.Latency) != 20*time.Millisecond || time.Duration(p.Jitter) != 5*time.Millisecond ||
		p.interval != 20*time.Millisecond || p.FailureRate != 0.25 || p.FailureStatus != 429 ||
		time.Duration(p.RetryAfter) != 2*time.Second || p.MaxOutput != 16 || p.EmbeddingDimensions != 32 ||
		p.Seed == nil || *p.Seed != 7 || p.Name != "demo" {
		t.Errorf("decoded config wrong: %+v", p)
	}
	if !strings.Contains(p.failMsg, "429 Too Many Requests") {
		t.Errorf("failure message %q", p.failMsg)
	}
}

func TestEstimateTokens(t *testing.T) {
	img := providers.ContentPart{Type: "image_url", ImageURL: &providers.ImageURL{URL: "data:image/png;base64,AAAA"}}
	cases := []struct {
		name string
		msgs []providers.Message
		want int
	}{
		{"none", nil, 0},
		{"empty message counts one", []providers.Message{{Role: "user"}}, 1},
		{"four bytes per token, rounded up", []providers.Message{userMsg("12345")}, 2},
		{"per message", []providers.Message{userMsg("1234"), userMsg("12345678")}, 3},
		{"name and tool calls", []providers.Message{{Role: "assistant", Name: "bob",
			ToolCalls: []providers.ToolCall{{Function: providers.FunctionCall{Name: "f", Arguments: "{}"}}}}}, 2},
		{"parts and image", []providers.Message{{Role: "user", Content: providers.Content{Parts: []providers.ContentPart{
			{Type: "text", Text: "12345678"}, img}}}}, 2 + imageTokens},
	}
	for _, c := range cases {
		if got := EstimateTokens(c.msgs); got != c.want {
			t.Errorf("%s: EstimateTokens = %d, want %d", c.name, got, c.want)
		}
	}
}
