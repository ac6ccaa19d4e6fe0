package integration

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/bench/fastfake"
	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
)

// reloadSite serves ai_backends (a failing primary with a breaker, a
// healthy backup) and, under /rp/, Caddy's own reverse_proxy to the same
// backup: both see the same load and the same reloads.
func reloadSite(primary, backup string) string {
	u, _ := url.Parse(backup)
	return fmt.Sprintf(`	handle_path /rp/* {
		reverse_proxy %s
	}
	handle {
		ai_backends {
			provider primary openai_compatible {
				base_url %s/v1
				models m
				max_retries 0
			}
			provider backup openai_compatible {
				base_url %s/v1
				models m
			}
			circuit_breaker {
				failure_threshold 2
				recovery_timeout 1h
			}
		}
	}`, u.Host, primary, backup)
}

// outcomes counts how the requests to one target ended.
type outcomes struct {
	mu                           sync.Mutex
	ok, status5xx, otherStatus   int
	wrong, timeout, lost, others int // lost: EOF or reset, the reload's signature
	examples                     []string
}

func (o *outcomes) record(resp *http.Response, body []byte, err error, want string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	note := func(s string) {
		if len(o.examples) < 5 {
			o.examples = append(o.examples, s)
		}
	}
	var ne interface{ Timeout() bool }
	switch {
	case err == nil && resp.StatusCode >= 500:
		o.status5xx++
		note(fmt.Sprintf("%d %s", resp.StatusCode, body))
	case err == nil && resp.StatusCode != 200:
		o.otherStatus++
		note(fmt.Sprintf("%d %s", resp.StatusCode, body))
	case err == nil && !strings.Contains(string(body), want):
		o.wrong++
		note(string(body))
	case err == nil:
		o.ok++
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		o.timeout++
		note(err.Error())
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) ||
		strings.Contains(err.Error(), "server closed idle connection"):
		o.lost++
	default:
		o.others++
		note(err.Error())
	}
}

func (o *outcomes) String() string {
	return fmt.Sprintf("ok %d, 5xx %d, other status %d, wrong answer %d, timeout %d, lost connection %d, other error %d %q",
		o.ok, o.status5xx, o.otherStatus, o.wrong, o.timeout, o.lost, o.others, o.examples)
}

// forceReload posts the same config again; must-revalidate makes Caddy
// reload it although nothing changed.
func forceReload(g *gateway, config string) error {
	req, _ := http.NewRequest(http.MethodPost, "http://localhost:2999/load", strings.NewReader(config))
	req.Header.Set("Content-Type", "text/caddyfile")
	req.Header.Set("Cache-Control", "must-revalidate")
	resp, err := adminClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("reload: %d %s", resp.StatusCode, b)
	}
	return nil
}

// backupRequests reads the backup deployment's request count from the
// status API.
func backupRequests(t *testing.T, g *gateway) int64 {
	t.Helper()
	_, body := g.get2999("/ai_backends/status")
	var st struct {
		Handlers []struct {
			Deployments []struct {
				ID      string `json:"id"`
				Breaker struct {
					State string `json:"state"`
				} `json:"breaker"`
				Stats struct {
					Requests int64 `json:"requests"`
				} `json:"stats"`
			} `json:"deployments"`
		} `json:"handlers"`
	}
	mustJSON(t, []byte(body), &st)
	if len(st.Handlers) != 1 {
		t.Fatalf("%d handlers in the status API, want the one running", len(st.Handlers))
	}
	var n int64 = -1
	for _, d := range st.Handlers[0].Deployments {
		switch d.ID {
		case "backup/m":
			n = d.Stats.Requests
		case "primary/m":
			if d.Breaker.State != "open" {
				t.Errorf("primary breaker is %q, want open", d.Breaker.State)
			}
		}
	}
	return n
}

// TestReloadUnderLoad: ten forced reloads while 100 RPS go to ai_backends
// and 100 RPS to reverse_proxy in the same Caddy. ai_backends loses no
// request to a 5xx, a timeout or a wrong answer; the connections a reload
// closes under a client that does not retry POSTs are counted for both,
// and ai_backends may lose no more of them than reverse_proxy, within a
// tolerance (which connection a reload hits is chance). Its breaker and
// statistics survive every reload.
func TestReloadUnderLoad(t *testing.T) {
	primary, precs := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{Fail: fakeupstream.OpenAIErrorFor(500)})
	backup, _ := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{Reply: "pong"})
	site := reloadSite(primary.URL, backup.URL)
	g := startGateway(t, site)
	for i := 0; i < 3; i++ { // opens the primary's breaker
		if resp, body := g.post("/v1/chat/completions", chatM); resp.StatusCode != 200 {
			t.Fatalf("warm-up %d: %d %s", i, resp.StatusCode, body)
		}
	}
	primarySeen := precs.Count()
	statsBefore := backupRequests(t, g)

	const perTarget, duration, reloads = 100, 4 * time.Second, 10
	clients := map[string]*http.Client{}
	results := map[string]*outcomes{}
	for _, target := range []string{"ai_backends", "reverse_proxy"} {
		clients[target] = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{}}
		results[target] = &outcomes{}
	}
	paths := map[string]string{"ai_backends": "/v1/chat/completions", "reverse_proxy": "/rp/v1/chat/completions"}

	var wg sync.WaitGroup
	shoot := func(target string) {
		defer wg.Done()
		req, _ := http.NewRequest(http.MethodPost, g.url(paths[target]), strings.NewReader(chatM))
		req.Header.Set("Content-Type", "application/json")
		resp, err := clients[target].Do(req)
		var body []byte
		if err == nil {
			body, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		results[target].record(resp, body, err, "pong")
	}
	config := g.config(site) // the same text for every reload
	reloadErr := make(chan error, 1)
	go func() {
		var err error
		every := duration / (reloads + 1)
		for i := 0; i < reloads && err == nil; i++ {
			time.Sleep(every) // the reload schedule, not a wait for a result
			err = forceReload(g, config)
		}
		reloadErr <- err
	}()
	tick := time.NewTicker(time.Second / (2 * perTarget))
	end := time.Now().Add(duration)
	for i := 0; time.Now().Before(end); i++ {
		<-tick.C
		wg.Add(1)
		if i%2 == 0 {
			go shoot("ai_backends")
		} else {
			go shoot("reverse_proxy")
		}
	}
	tick.Stop()
	wg.Wait()
	if err := <-reloadErr; err != nil {
		t.Fatal(err)
	}

	ai, rp := results["ai_backends"], results["reverse_proxy"]
	t.Logf("ai_backends:   %s", ai)
	t.Logf("reverse_proxy: %s", rp)
	if ai.status5xx+ai.otherStatus+ai.wrong+ai.timeout+ai.others > 0 {
		t.Errorf("ai_backends lost requests to errors, timeouts or wrong answers: %s", ai)
	}
	// The losses are few (0 to 13 of ~400 a run, for either) and vary a
	// lot from run to run, so only a clear excess counts.
	if tolerance := 6 + rp.lost; ai.lost > rp.lost+tolerance {
		t.Errorf("ai_backends lost %d connections to the reloads, reverse_proxy %d (tolerance %d)", ai.lost, rp.lost, tolerance)
	}
	if ai.ok < perTarget*int(duration/time.Second)/2 {
		t.Errorf("only %d requests succeeded", ai.ok)
	}
	if n := precs.Count(); n != primarySeen {
		t.Errorf("the primary got %d requests after the reloads: its open breaker was lost", n-primarySeen)
	}
	if after := backupRequests(t, g); after-statsBefore < int64(ai.ok) {
		t.Errorf("backup statistics went from %d to %d over %d successful requests: lost in a reload", statsBefore, after, ai.ok)
	}
}

var (
	soak         = flag.Bool("soak", false, "run the soak test (minutes; not for CI)")
	soakDuration = flag.Duration("soak.duration", 3*time.Minute, "length of the soak test")
)

// TestSoak runs steady load (100 RPS, a third of it streams) for
// -soak.duration and checks that the heap and the goroutine count stay
// flat. On demand only: go test ./integration -run Soak -soak -v
func TestSoak(t *testing.T) {
	if !*soak {
		t.Skip("soak test: run with -soak")
	}
	// bench/fastfake keeps nothing per request (fakeupstream's Recorder
	// keeps every request, which would look like a leak here).
	up := httptest.NewServer(fastfake.New(fastfake.Knobs{Chunks: 10, Words: 10}))
	defer up.Close()
	g := startGateway(t, fmt.Sprintf(`	ai_backends {
		provider up openai_compatible {
			base_url %s/v1
			models m
		}
	}`, up.URL))
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var res outcomes
	var wg sync.WaitGroup
	sample := func() (heapMB float64, goroutines int) {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return float64(m.HeapInuse) / (1 << 20), runtime.NumGoroutine()
	}
	type point struct {
		at         time.Duration
		heapMB     float64
		goroutines int
	}
	var points []point
	start := time.Now()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	nextSample := start.Add(10 * time.Second) // after a warm-up
	for i := 0; time.Since(start) < *soakDuration; i++ {
		<-tick.C
		body, want := chatM, `"chat.completion"`
		if i%3 == 0 {
			body, want = chatStreamM, "[DONE]"
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := client.Post(g.url("/v1/chat/completions"), "application/json", strings.NewReader(body))
			var b []byte
			if err == nil {
				b, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			res.record(resp, b, err, want)
		}()
		if time.Now().After(nextSample) {
			heap, gr := sample()
			points = append(points, point{time.Since(start).Round(time.Second), heap, gr})
			t.Logf("%6s  heap in use %6.1f MB  goroutines %d", points[len(points)-1].at, heap, gr)
			nextSample = nextSample.Add(10 * time.Second)
		}
	}
	wg.Wait()
	t.Logf("requests: %s", &res)
	if res.ok == 0 || res.status5xx+res.wrong+res.timeout+res.lost+res.others > 0 {
		t.Errorf("requests failed under steady load: %s", &res)
	}
	if len(points) < 6 {
		t.Fatalf("soak too short to judge: %d samples", len(points))
	}
	// Flat: the last third of the samples, on average, no higher than the
	// first third beyond GC and in-flight noise.
	third := len(points) / 3
	mean := func(ps []point) (heap, gr float64) {
		for _, p := range ps {
			heap += p.heapMB / float64(len(ps))
			gr += float64(p.goroutines) / float64(len(ps))
		}
		return heap, gr
	}
	h0, g0 := mean(points[:third])
	h1, g1 := mean(points[len(points)-third:])
	t.Logf("first third: heap %.1f MB, %.0f goroutines; last third: heap %.1f MB, %.0f goroutines", h0, g0, h1, g1)
	if h1 > max(h0*1.5, h0+16) {
		t.Errorf("heap grew from %.1f MB to %.1f MB", h0, h1)
	}
	if g1 > g0+50 {
		t.Errorf("goroutines grew from %.0f to %.0f", g0, g1)
	}
}
