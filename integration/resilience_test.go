package integration

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
)

// twoProviders declares primary and backup serving model m, primary first.
func twoProviders(primary, backup string, extra string) string {
	return fmt.Sprintf(`	ai_backends {
		provider primary openai_compatible {
			base_url %s/v1
			models m
			max_retries 1
			timeout 300ms
		}
		provider backup openai_compatible {
			base_url %s/v1
			models m
		}
		retry {
			base_backoff 1ms
			max_backoff 5ms
		}
%s
	}`, primary, backup, extra)
}

const chatM = `{"model":"m","messages":[{"role":"user","content":"ping"}]}`

func TestFallbackOnUpstreamFailures(t *testing.T) {
	for _, c := range []struct {
		name string
		fail *fakeupstream.OpenAIError
	}{
		{"500", fakeupstream.OpenAIErrorFor(500)},
		{"429", fakeupstream.OpenAIErrorFor(429)},
		{"529", &fakeupstream.OpenAIError{Status: 529, Message: "Overloaded", Type: "overloaded_error"}},
		{"503", fakeupstream.OpenAIErrorFor(503)},
	} {
		t.Run(c.name, func(t *testing.T) {
			primary, precs := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{Fail: c.fail})
			backup, brecs := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{Reply: "from backup"})
			g := startGateway(t, twoProviders(primary.URL, backup.URL, ""))
			resp, body := g.post("/v1/chat/completions", chatM)
			if resp.StatusCode != 200 || !strings.Contains(string(body), "from backup") {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			if resp.Header.Get("X-AI-Provider") != "backup" || precs.Count() == 0 || brecs.Count() != 1 {
				t.Fatalf("provider %q, primary saw %d, backup saw %d",
					resp.Header.Get("X-AI-Provider"), precs.Count(), brecs.Count())
			}
		})
	}
}

func TestFallbackOnResetAndHang(t *testing.T) {
	reset := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.(*net.TCPConn).SetLinger(0)
			conn.Close()
		}
	}))
	defer reset.Close()
	hold := make(chan struct{})
	defer close(hold)
	hang, _ := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{Hold: hold})
	for name, primary := range map[string]string{"reset": reset.URL, "hang": hang.URL} {
		t.Run(name, func(t *testing.T) {
			backup, _ := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{Reply: "saved"})
			g := startGateway(t, twoProviders(primary, backup.URL, ""))
			resp, body := g.post("/v1/chat/completions", chatM)
			if resp.StatusCode != 200 || !strings.Contains(string(body), "saved") {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
		})
	}
}

func TestBreakerOpensSurvivesReloadAndRecovers(t *testing.T) {
	primary, precs := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{Fail: fakeupstream.OpenAIErrorFor(500)})
	backup, _ := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{})
	breakerCfg := `		circuit_breaker {
			failure_threshold 2
			recovery_timeout 1h
		}`
	g := startGateway(t, twoProviders(primary.URL, backup.URL, breakerCfg))
	for i := 0; i < 3; i++ {
		if resp, body := g.post("/v1/chat/completions", chatM); resp.StatusCode != 200 {
			t.Fatalf("request %d: %d %s", i, resp.StatusCode, body)
		}
	}
	seen := precs.Count()
	if seen != 2 {
		t.Fatalf("primary saw %d requests; the breaker should open after 2 failures", seen)
	}
	// A reload through the admin API keeps the open breaker.
	g.reload(twoProviders(primary.URL, backup.URL, breakerCfg+"\n\t\tmax_messages 100"))
	for i := 0; i < 5; i++ {
		if resp, body := g.post("/v1/chat/completions", chatM); resp.StatusCode != 200 {
			t.Fatalf("after reload %d: %d %s", i, resp.StatusCode, body)
		}
	}
	if precs.Count() != seen {
		t.Fatalf("primary got traffic after the reload (%d > %d): the breaker state was lost", precs.Count(), seen)
	}
	_, status := g.get2999("/ai_backends/status")
	if !strings.Contains(status, `"state":"open"`) {
		t.Fatalf("status API does not show the open breaker: %s", status)
	}
	// Reset through the admin API: the primary is tried again.
	g.post2999("/ai_backends/breakers/primary/m/reset")
	g.post("/v1/chat/completions", chatM)
	if precs.Count() == seen {
		t.Fatal("after a reset the primary should be probed again")
	}
}

func TestBreakerRecoversAfterTimeout(t *testing.T) {
	primary, precs := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{Fail: fakeupstream.OpenAIErrorFor(500), FailFirst: 2})
	backup, _ := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{})
	g := startGateway(t, twoProviders(primary.URL, backup.URL, `		circuit_breaker {
			failure_threshold 2
			recovery_timeout 1ms
			success_threshold 1
		}`))
	g.post("/v1/chat/completions", chatM) // two failures (one retry): opens
	before := precs.Count()
	// Let the 1ms recovery timeout pass (real Caddy has the real clock; the
	// breaker's own tests use a fake one). The next request probes the
	// primary, which is healthy now, and the probe closes the breaker.
	time.Sleep(5 * time.Millisecond)
	for i := 0; i < 3; i++ {
		resp, _ := g.post("/v1/chat/completions", chatM)
		if resp.StatusCode != 200 || resp.Header.Get("X-AI-Provider") != "primary" {
			t.Fatalf("request %d answered by %q (%d)", i, resp.Header.Get("X-AI-Provider"), resp.StatusCode)
		}
	}
	if precs.Count() != before+3 {
		t.Fatalf("primary saw %d requests after recovery, want 3", precs.Count()-before)
	}
}

func TestConcurrentRequestsWhileOneProviderIsDown(t *testing.T) {
	primary, _ := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{Fail: fakeupstream.OpenAIErrorFor(503)})
	backup, _ := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{})
	g := startGateway(t, twoProviders(primary.URL, backup.URL, ""))
	var wg sync.WaitGroup
	errs := make(chan string, 100)
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, g.url("/v1/chat/completions"), strings.NewReader(chatM))
			req.Header.Set("Content-Type", "application/json")
			resp, err := g.client.Do(req)
			if err != nil {
				errs <- err.Error()
				return
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				errs <- fmt.Sprint(resp.StatusCode)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestAllProvidersDownGivesBounded503(t *testing.T) {
	a, _ := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{Fail: fakeupstream.OpenAIErrorFor(500)})
	b, _ := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{Fail: fakeupstream.OpenAIErrorFor(502)})
	g := startGateway(t, twoProviders(a.URL, b.URL, ""))
	resp, body := g.post("/v1/chat/completions", chatM)
	if resp.StatusCode != 503 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	msg, _, code := openAIError(t, body)
	if code != "all_providers_failed" || !strings.Contains(msg, "primary/m") || !strings.Contains(msg, "backup/m") {
		t.Fatalf("error does not give the reasons: %s", body)
	}
}
