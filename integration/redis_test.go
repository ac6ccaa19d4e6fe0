package integration

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
)

// startRedis runs a private redis-server on a free loopback port; the test
// is skipped when redis-server is not installed (.ci/run installs it).
func startRedis(t *testing.T) (addr string, stop func()) {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("SHAREDSTATE_REQUIRE_REDIS") == "1" {
			t.Fatal("redis-server not installed, and SHAREDSTATE_REQUIRE_REDIS=1")
		}
		t.Skip("redis-server not installed")
	}
	port := freePort()
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr = fmt.Sprintf("127.0.0.1:%d", port)
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}
	t.Cleanup(stop)
	for i := 0; i < 500; i++ { // up to 5 s for the process to listen
		if c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond); err == nil {
			c.Close()
			return addr, stop
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("redis-server did not start")
	return "", nil
}

// startSecondGateway runs another gateway process (this test binary acting
// as caddy) with the given Caddyfile and returns its base URL.
func startSecondGateway(t *testing.T, site string) string {
	t.Helper()
	port := freePort()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "Caddyfile")
	config := fmt.Sprintf("{\n\tadmin off\n\tpersist_config off\n\tskip_install_trust\n\thttp_port %d\n}\nhttp://127.0.0.1:%d {\n%s\n}\n", port, port, site)
	if err := os.WriteFile(cfg, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, "run", "--config", cfg, "--adapter", "caddyfile")
	cmd.Env = append(os.Environ(), runAsCaddy+"=1", "XDG_CONFIG_HOME="+dir, "XDG_DATA_HOME="+dir)
	logf, _ := os.Create(filepath.Join(dir, "log"))
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	for i := 0; i < 1500; i++ { // up to 15 s: the process starts Caddy
		if resp, err := http.Get(url + "/v1/models"); err == nil {
			resp.Body.Close()
			return url
		}
		time.Sleep(10 * time.Millisecond)
	}
	out, _ := os.ReadFile(filepath.Join(dir, "log"))
	t.Fatalf("second gateway did not start:\n%s", out)
	return ""
}

func postTo(t *testing.T, url, body string, headers ...string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+"/v1/chat/completions", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	client := &http.Client{Timeout: 20 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return resp.StatusCode, resp.Header, b.String()
}

func TestTwoInstancesShareStateThroughRedis(t *testing.T) {
	redisAddr, stopRedis := startRedis(t)
	const clientKey = "sk-shared-client-0123456789"
	t.Setenv("SHARED_CLIENT_KEY", clientKey)
	const bulkKey = "sk-bulk-client-0123456789"
	t.Setenv("BULK_CLIENT_KEY", bulkKey)
	fake, rec := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{})
	limited, lrec := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{
		Fail: &fakeupstream.OpenAIError{Status: 429, Message: "slow down", Type: "requests", Code: "rate_limit_exceeded",
			Header: http.Header{"Retry-After": []string{"30"}}},
	})
	site := fmt.Sprintf(`	ai_backends {
		provider up openai_compatible {
			base_url %s/v1
			models m
		}
		provider limited openai_compatible {
			base_url %s/v1
			models r
			max_retries 0
		}
		client_key {env.SHARED_CLIENT_KEY} {
			requests_per_minute 10
		}
		client_key {env.BULK_CLIENT_KEY} {
			requests_per_minute 100000
			budget 1000 per 24h
		}
		cache {
			ttl 1h
		}
		storage redis {
			address %s
			timeout 100ms
		}
	}`, fake.URL, limited.URL, redisAddr)
	a := startGateway(t, site)
	bURL := startSecondGateway(t, site)
	auth := []string{"Authorization", "Bearer " + clientKey}

	// A cache entry written by one instance is served by the other.
	// A prompt of its own: the in-process cache outlives a test (it is pooled).
	det := fmt.Sprintf(`{"model":"m","temperature":0,"messages":[{"role":"user","content":"shared cache %d"}]}`, time.Now().UnixNano())
	if resp, body := a.post("/v1/chat/completions", det, auth...); resp.StatusCode != 200 {
		t.Fatalf("A: %d %s", resp.StatusCode, body)
	}
	code, hdr, body := postTo(t, bURL, det, auth...)
	if code != 200 || hdr.Get("X-AI-Cache") != "HIT" || rec.Count() != 1 {
		t.Fatalf("B: %d cache %q upstream calls %d: %s", code, hdr.Get("X-AI-Cache"), rec.Count(), body)
	}

	// A 429 cooldown learned by A is honoured by B (synchronised each second).
	a.post("/v1/chat/completions", `{"model":"r","messages":[{"role":"user","content":"x"}]}`, auth...)
	seen := lrec.Count()
	deadline := time.Now().Add(5 * time.Second)
	honoured := false
	for time.Now().Before(deadline) && !honoured {
		code, _, _ = postTo(t, bURL, `{"model":"r","messages":[{"role":"user","content":"x"}]}`, auth...)
		honoured = code == 429 && lrec.Count() == seen
		if !honoured {
			seen = lrec.Count()
			time.Sleep(100 * time.Millisecond)
		}
	}
	if !honoured {
		t.Fatal("instance B kept calling the rate-limited upstream")
	}

	// The client limit (10/min) holds across both instances; 4 were used.
	var allowed, limitedN int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			var code int
			if i%2 == 0 {
				resp, _ := a.post("/v1/chat/completions", `{"model":"m","messages":[{"role":"user","content":"n"}]}`, auth...)
				code = resp.StatusCode
			} else {
				code, _, _ = postTo(t, bURL, `{"model":"m","messages":[{"role":"user","content":"n"}]}`, auth...)
			}
			mu.Lock()
			defer mu.Unlock()
			switch code {
			case 200:
				allowed++
			case 429:
				limitedN++
			}
		}(i)
	}
	wg.Wait()
	// At least three requests were admitted before (two cache requests and
	// the rate-limited one), so at most seven of these fit the shared limit.
	if allowed+limitedN != 16 || allowed > 7 || allowed < 1 {
		t.Fatalf("across two instances: %d allowed, %d limited (limit 10/min)", allowed, limitedN)
	}

	// Redis is killed while both instances are under load: no client
	// request is lost (fail open: each instance's in-process limiter takes
	// over) and none waits long on Redis.
	bulk := []string{"Authorization", "Bearer " + bulkKey}
	var failures []string
	var fmu sync.Mutex
	var load sync.WaitGroup
	started := make(chan struct{}, 8)
	for w := 0; w < 8; w++ {
		load.Add(1)
		go func(w int) {
			defer load.Done()
			url := a.url("")
			if w%2 == 1 {
				url = bURL
			}
			for i := 0; i < 15; i++ {
				start := time.Now()
				code, _, body := postTo(t, url, `{"model":"m","messages":[{"role":"user","content":"under load"}]}`, bulk...)
				if code != 200 || time.Since(start) > 5*time.Second {
					fmu.Lock()
					failures = append(failures, fmt.Sprintf("%s: %d after %v: %s", url, code, time.Since(start), body))
					fmu.Unlock()
				}
				if i == 2 {
					started <- struct{}{}
				}
			}
		}(w)
	}
	for w := 0; w < 8; w++ {
		<-started
	}
	stopRedis()
	load.Wait()
	if len(failures) > 0 {
		t.Fatalf("%d requests failed while Redis went away: %v", len(failures), failures)
	}
}
