package integration

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
)

func TestSensitiveDataFiltering(t *testing.T) {
	const leaked = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789"
	fake, rec := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{Reply: "your key is " + leaked})
	site := func(action string) string {
		return fmt.Sprintf(`	ai_backends {
		provider up openai_compatible {
			base_url %s/v1
			models m
		}
		security {
			filter %s
			redact_responses
		}
	}`, fake.URL, action)
	}
	g := startGateway(t, site("redact"))
	prompt := `{"model":"m","messages":[{"role":"user","content":"mail jane.doe@example.com, card 4111 1111 1111 1111"}],"extra_field":7}`
	resp, body := g.post("/v1/chat/completions", prompt)
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	sent := string(rec.Last().Body)
	if strings.Contains(sent, "jane.doe@example.com") || strings.Contains(sent, "4111 1111 1111 1111") ||
		!strings.Contains(sent, "[REDACTED:email]") || !strings.Contains(sent, "[REDACTED:card]") || !strings.Contains(sent, `"extra_field":7`) {
		t.Fatalf("upstream received %s", sent)
	}
	if strings.Contains(string(body), leaked) || !strings.Contains(string(body), "[REDACTED:secret]") {
		t.Fatalf("the model's echo of a secret reached the client: %s", body)
	}
	// Streams are redacted per delta too.
	resp, body = g.post("/v1/chat/completions", `{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}`)
	if resp.StatusCode != 200 || strings.Contains(string(body), leaked) || !strings.Contains(string(body), "[REDACTED:secret]") {
		t.Fatalf("stream: %d %s", resp.StatusCode, body)
	}
	logs := g.logText()
	if strings.Contains(logs, "jane.doe@example.com") || !strings.Contains(logs, "sensitive data in a prompt") {
		t.Fatal("the redaction was not logged, or was logged with the value")
	}

	g.reload(site("block"))
	before := rec.Count()
	resp, body = g.post("/v1/chat/completions", prompt)
	if resp.StatusCode != 400 || rec.Count() != before {
		t.Fatalf("block: %d %s (upstream calls %d)", resp.StatusCode, body, rec.Count()-before)
	}
	_, _, code := openAIError(t, body)
	if code != "sensitive_data_blocked" {
		t.Fatalf("code %q", code)
	}
}

func TestRequestChoosesStrategyWhenAllowed(t *testing.T) {
	g := startGateway(t, `	ai_backends {
		provider pricey sim {
			models m
			model_override m {
				input 50
				output 50
			}
		}
		provider cheap sim {
			models m
			model_override m {
				input 0.1
				output 0.1
			}
		}
		routing default {
			allow_override
		}
	}`)
	resp, _ := g.post("/v1/chat/completions", chatM)
	if resp.Header.Get("X-AI-Provider") != "pricey" || resp.Header.Get("X-AI-Strategy") != "default" {
		t.Fatalf("default: %v", resp.Header)
	}
	resp, _ = g.post("/v1/chat/completions", chatM, "X-AI-Strategy", "cost", "X-AI-Debug", "1")
	if resp.Header.Get("X-AI-Provider") != "cheap" || resp.Header.Get("X-AI-Strategy") != "cost" ||
		resp.Header.Get("X-AI-Reasoning") == "" || resp.Header.Get("X-AI-Alternatives") != "pricey/m" {
		t.Fatalf("cost override: %v", resp.Header)
	}
	resp, _ = g.post("/v1/chat/completions", chatM, "X-AI-Fallback", "cheap, pricey")
	if resp.Header.Get("X-AI-Provider") != "cheap" {
		t.Fatalf("fallback order override: %v", resp.Header)
	}
	var st struct {
		Handlers []struct {
			Routing struct{ Strategy string } `json:"routing"`
		} `json:"handlers"`
	}
	_, status := g.get2999("/ai_backends/status")
	if err := json.Unmarshal([]byte(status), &st); err != nil || st.Handlers[0].Routing.Strategy != "default" {
		t.Fatalf("%v %s", err, status)
	}
}
