package integration

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
)

func TestActiveHealthChecksMoveAnUnhealthyDeploymentLast(t *testing.T) {
	sick, srec := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{Fail: fakeupstream.OpenAIErrorFor(503)})
	well, _ := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{})
	g := startGateway(t, twoProviders(sick.URL, well.URL, `		load_balancing round_robin {
			health_check_interval 20ms
			health_check_timeout 1s
		}`))
	// Wait (bounded) for the first health check round to mark the primary.
	var status string
	for i := 0; i < 300; i++ {
		_, status = g.get2999("/ai_backends/status")
		if strings.Contains(status, `"id":"primary/m","provider":"primary"`) && strings.Contains(status, `"healthy":false`) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(status, `"healthy":false`) {
		t.Fatalf("the failing deployment was never marked unhealthy: %s", status)
	}
	before := srec.Count()
	resp, body := g.post("/v1/chat/completions", chatM)
	if resp.StatusCode != 200 || resp.Header.Get("X-AI-Provider") != "backup" {
		t.Fatalf("%d %q %s", resp.StatusCode, resp.Header.Get("X-AI-Provider"), body)
	}
	// Only health checks may have reached the sick primary, not the request:
	// its probe requests carry max_tokens 1.
	for _, r := range srec.Requests()[before:] {
		if !strings.Contains(string(r.Body), `"max_tokens":1`) {
			t.Fatalf("a client request went to the unhealthy deployment: %s", r.Body)
		}
	}
}

// TestCostExactForEachUsageConvention prices Anthropic's and Gemini's usage
// (cache reads, cache writes, reasoning) with the configured prices.
func TestCostExactForEachUsageConvention(t *testing.T) {
	claude, _ := fakeupstream.NewAnthropic(fakeupstream.AnthropicOptions{
		InputTokens: 100, OutputTokens: 50, CacheReadInputTokens: 1000, CacheCreationInputTokens: 200,
	})
	defer claude.Close()
	gem, _ := fakeupstream.NewGemini(fakeupstream.GeminiOptions{
		Usage: fakeupstream.GeminiUsage{Prompt: 1000, Candidates: 100, Cached: 400, Thoughts: 60},
	})
	defer gem.Close()
	g := startGateway(t, fmt.Sprintf(`	ai_backends {
		provider claude anthropic {
			base_url %s
			api_key k
			models claude-sonnet-4-5
			model_override claude-sonnet-4-5 {
				input 3
				cached_input 0.3
				cache_write 3.75
				output 15
			}
		}
		provider gem google {
			base_url %s/v1beta
			api_key k
			models gemini-2.5-flash
			model_override gemini-2.5-flash {
				input 0.3
				cached_input 0.075
				output 2.5
			}
		}
	}`, claude.URL, gem.URL))
	for _, c := range []struct {
		model string
		want  float64
	}{
		// Anthropic: 100 uncached input, 1000 cache reads, 200 cache writes, 50 output.
		{"claude-sonnet-4-5", (100*3 + 1000*0.3 + 200*3.75 + 50*15) / 1e6},
		// Gemini: 1000 prompt of which 400 cached; 100 candidates + 60 thoughts, all at the output rate.
		{"gemini-2.5-flash", (600*0.3 + 400*0.075 + 160*2.5) / 1e6},
	} {
		resp, body := g.post("/v1/chat/completions", `{"model":"`+c.model+`","messages":[{"role":"user","content":"price me"}]}`)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", c.model, resp.StatusCode, body)
		}
		got, _ := strconv.ParseFloat(resp.Header.Get("X-AI-Cost-USD"), 64)
		if d := got - c.want; d > 1e-9 || d < -1e-9 {
			var u map[string]any
			_ = json.Unmarshal(body, &u)
			t.Fatalf("%s: cost %v, want %v (usage %v)", c.model, got, c.want, u["usage"])
		}
	}
}
