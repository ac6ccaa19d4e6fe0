package integration

import (
	"strings"
	"sync"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
)

const (
	aliceKey = "sk-gw-alice-0123456789"
	bobKey   = "sk-gw-bob-9876543210"
)

func TestClientKeysLimitsAndBudgets(t *testing.T) {
	t.Setenv("ALICE_KEY", aliceKey)
	t.Setenv("BOB_KEY", bobKey)
	g := startGateway(t, `	ai_backends {
		provider demo sim {
			models sim-small sim-large
			model_override sim-small {
				input 100000
				output 100000
			}
		}
		client_key {env.ALICE_KEY} {
			label alice
			models sim-large
			requests_per_minute 2
		}
		client_key {env.BOB_KEY} {
			label bob
			budget 0.5 per 24h
			max_tokens 50
		}
	}`)
	chat := func(model string) string {
		return `{"model":"` + model + `","messages":[{"role":"user","content":"hello"}],"max_tokens":5}`
	}
	resp, body := g.post("/v1/chat/completions", chat("sim-large"))
	if resp.StatusCode != 401 {
		t.Fatalf("no key: %d %s", resp.StatusCode, body)
	}
	resp, body = g.post("/v1/chat/completions", chat("sim-large"), "Authorization", "Bearer wrong")
	if resp.StatusCode != 401 {
		t.Fatalf("wrong key: %d %s", resp.StatusCode, body)
	}
	resp, body = g.post("/v1/chat/completions", chat("sim-small"), "Authorization", "Bearer "+aliceKey)
	if resp.StatusCode != 403 {
		t.Fatalf("forbidden model: %d %s", resp.StatusCode, body)
	}
	for i := 0; i < 2; i++ {
		resp, body = g.post("/v1/chat/completions", chat("sim-large"), "Authorization", "Bearer "+aliceKey)
		if resp.StatusCode != 200 {
			t.Fatalf("alice %d: %d %s", i, resp.StatusCode, body)
		}
	}
	resp, body = g.post("/v1/chat/completions", chat("sim-large"), "Authorization", "Bearer "+aliceKey)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("over the rate limit: %d %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	openAIError(t, body)

	// Bob: x-api-key works too (Anthropic SDK style); max_tokens ceiling; budget.
	resp, body = g.post("/v1/chat/completions", `{"model":"sim-small","messages":[{"role":"user","content":"x"}],"max_tokens":500}`, "x-api-key", bobKey)
	if resp.StatusCode != 400 {
		t.Fatalf("max_tokens over the key's ceiling: %d %s", resp.StatusCode, body)
	}
	resp, body = g.post("/v1/chat/completions", chat("sim-small"), "x-api-key", bobKey)
	if resp.StatusCode != 200 {
		t.Fatalf("bob first: %d %s", resp.StatusCode, body)
	}
	resp, body = g.post("/v1/chat/completions", chat("sim-small"), "x-api-key", bobKey)
	if resp.StatusCode != 429 || !strings.Contains(string(body), "budget") {
		t.Fatalf("over budget: %d %s", resp.StatusCode, body)
	}
	if strings.Contains(g.logText(), aliceKey) || strings.Contains(g.logText(), bobKey) {
		t.Fatal("a client key reached the log")
	}
	// On /v1/messages the denial is in Anthropic's envelope.
	resp, body = g.post("/v1/messages", `{"model":"sim-large","max_tokens":5,"messages":[{"role":"user","content":"x"}]}`)
	if resp.StatusCode != 401 || !strings.Contains(string(body), `"type":"error"`) || !strings.Contains(string(body), `"authentication_error"`) {
		t.Fatalf("anthropic-format denial: %d %s", resp.StatusCode, body)
	}
}

func TestUpstreamKeyRotationAfter401(t *testing.T) {
	const goodKey = "sk-upstream-good-aaaaaaaaaaaa"
	const badKey = "sk-upstream-bad-bbbbbbbbbbbbb"
	t.Setenv("GOOD_KEY", goodKey)
	t.Setenv("BAD_KEY", badKey)
	fake, rec := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{APIKey: goodKey})
	g := startGateway(t, `	ai_backends {
		provider rot openai_compatible {
			base_url `+fake.URL+`/v1
			api_key {env.BAD_KEY}
			api_key {env.GOOD_KEY}
			models m
			max_retries 0
		}
		load_balancing round_robin
	}`)
	for i := 0; i < 4; i++ {
		resp, body := g.post("/v1/chat/completions", chatM)
		if resp.StatusCode != 200 {
			t.Fatalf("request %d: %d %s", i, resp.StatusCode, body)
		}
		if strings.Contains(string(body), badKey) || strings.Contains(string(body), goodKey) {
			t.Fatal("key in a response")
		}
	}
	bad := 0
	for _, r := range rec.Requests() {
		if strings.Contains(r.Header.Get("Authorization"), badKey) {
			bad++
		}
	}
	if bad != 1 {
		t.Fatalf("the rejected key was used %d times; it must rest after its 401", bad)
	}
	_, status := g.get2999("/ai_backends/status")
	if !strings.Contains(status, `"state":"resting","next_probe":`) || strings.Contains(status, badKey) {
		t.Fatalf("status should show the resting key by fingerprint only: %s", status)
	}
	if logs := g.logText(); strings.Contains(logs, badKey) || strings.Contains(logs, goodKey) || !strings.Contains(logs, "upstream key disabled") {
		t.Fatal("key handling log is wrong: a key leaked or the disable was not logged")
	}
}

func TestResponseCache(t *testing.T) {
	fake, rec := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{})
	g := startGateway(t, `	ai_backends {
		provider c openai_compatible {
			base_url `+fake.URL+`/v1
			models m
		}
		cache {
			ttl 1h
			max_size 8MiB
		}
	}`)
	det := `{"model":"m","temperature":0,"messages":[{"role":"user","content":"cache me"}]}`
	resp, first := g.post("/v1/chat/completions", det)
	if resp.StatusCode != 200 || resp.Header.Get("X-AI-Cache") != "MISS" {
		t.Fatalf("first: %d %q", resp.StatusCode, resp.Header.Get("X-AI-Cache"))
	}
	resp, second := g.post("/v1/chat/completions", `{"messages":[{"content":"cache me","role":"user"}],"model":"m","temperature":0.0,"user":"someone"}`)
	if resp.Header.Get("X-AI-Cache") != "HIT" || string(second) != string(first) {
		t.Fatalf("second: %q %s", resp.Header.Get("X-AI-Cache"), second)
	}
	if rec.Count() != 1 {
		t.Fatalf("upstream saw %d requests", rec.Count())
	}
	// Streaming clients get the cached answer as SSE.
	resp, body := g.post("/v1/chat/completions", `{"model":"m","temperature":0,"stream":true,"messages":[{"role":"user","content":"cache me"}]}`)
	events := sseData(t, body)
	if resp.Header.Get("X-AI-Cache") != "HIT" || events[len(events)-1] != "[DONE]" {
		t.Fatalf("stream replay: %q %v", resp.Header.Get("X-AI-Cache"), events)
	}
	// no-cache bypasses; non-deterministic requests are not cached.
	resp, _ = g.post("/v1/chat/completions", det, "Cache-Control", "no-cache")
	if resp.Header.Get("X-AI-Cache") != "" || rec.Count() != 2 {
		t.Fatalf("bypass: %q, upstream %d", resp.Header.Get("X-AI-Cache"), rec.Count())
	}
	g.post("/v1/chat/completions", `{"model":"m","temperature":0.7,"messages":[{"role":"user","content":"cache me"}]}`)
	g.post("/v1/chat/completions", `{"model":"m","temperature":0.7,"messages":[{"role":"user","content":"cache me"}]}`)
	if rec.Count() != 4 {
		t.Fatalf("non-deterministic requests were cached: upstream saw %d", rec.Count())
	}
	// Identical concurrent misses collapse into one upstream call.
	before := rec.Count()
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g.post("/v1/chat/completions", `{"model":"m","temperature":0,"messages":[{"role":"user","content":"stampede"}]}`)
		}()
	}
	wg.Wait()
	if n := rec.Count() - before; n > 2 {
		t.Fatalf("20 identical concurrent requests made %d upstream calls", n)
	}
}
