package aibackends

// Hot-path benchmarks: the handler is provisioned in process from JSON (as
// Caddy would, minus the server) and driven through ServeHTTP with a
// recorder, against bench/fastfake, an upstream that costs next to nothing.
// BenchmarkUpstreamDirect is the floor: one HTTP round trip to the same
// fake with a plain client. The difference to it is the gateway's own cost.
//
//	go test -run '^$' -bench . -benchmem .
//	go test -run '^$' -bench Loopback/chat/pass -benchmem -cpuprofile cpu.out -memprofile mem.out .

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/sira-ai/caddy-ai-backends/bench/fastfake"
)

// benchChat is a small, typical chat request.
const benchChat = `{"model":%q,"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Say something about reverse proxies."}]%s}`

func benchBody(model string, stream bool) []byte {
	extra := ""
	if stream {
		extra = `,"stream":true`
	}
	return []byte(fmt.Sprintf(benchChat, model, extra))
}

// benchHandler provisions a handler with one deployment of each kind in
// front of a fastfake upstream: "fast" (OpenAI pass-through), "claude"
// (translated to Anthropic), "gem" (Gemini) and "sim" (in process, no
// network).
func benchHandler(b *testing.B, audit bool) *Handler {
	b.Helper()
	up := httptest.NewServer(fastfake.New(fastfake.Knobs{Chunks: 20, Words: 20}))
	b.Cleanup(up.Close)
	cfg := fmt.Sprintf(`{"providers":[
		{"type":"openai_compatible","name":"oai","base_url":%q,"models":["fast"],"responses_api":true},
		{"type":"anthropic","name":"ant","base_url":%q,"api_keys":[{"value":"bench-key"}],"models":["claude"]},
		{"type":"sim","name":"sim","models":["sim"],"max_output":20},
		{"type":"google","name":"gem","base_url":%q,"api_keys":[{"value":"bench-key"}],"models":["gem"]}
	]}`, up.URL+"/v1", up.URL, up.URL+"/v1beta")
	h := pipeHandler(b, cfg)
	// pipeHandler drops the logs. Keep the audit entry's real encoding cost
	// (JSON, as in production) but drop the I/O, or leave the audit log off
	// to see what it costs.
	if audit {
		enc := zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig())
		h.auditLog = zap.New(zapcore.NewCore(enc, zapcore.AddSync(io.Discard), zap.InfoLevel)).Named("audit")
	}
	return h
}

var quiet sync.Once

// quietCaddy loads an empty config whose default logger logs errors only,
// so that handlers provisioned in its context (caddy.ActiveContext) do not
// drown the figures in provisioning logs. Without a config, a context
// logs everything to stderr with a development logger.
func quietCaddy(tb testing.TB) {
	quiet.Do(func() {
		cfg := []byte(`{"admin":{"disabled":true},"logging":{"logs":{"default":{"level":"ERROR"}}}}`)
		if err := caddy.Load(cfg, true); err != nil {
			tb.Fatal(err)
		}
	})
}

// deadlineRecorder is a recorder that takes read deadlines, as the
// writers of Caddy's real connections do: the body read timeout then costs
// what it costs in production (no fallback timer).
type deadlineRecorder struct{ *httptest.ResponseRecorder }

func (deadlineRecorder) SetReadDeadline(time.Time) error { return nil }

// serveOnce runs one chat request through the handler and checks the answer.
func serveOnce(b *testing.B, h *Handler, body []byte, want string) {
	serveOnceAt(b, h, "/v1/chat/completions", body, want)
}

// serveOnceAt runs one request to path through the handler.
func serveOnceAt(b *testing.B, h *Handler, path string, body []byte, want string) {
	r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	w := deadlineRecorder{httptest.NewRecorder()}
	if err := h.ServeHTTP(w, r, nil); err != nil {
		b.Fatal(err)
	}
	if w.Code != http.StatusOK || !bytes.Contains(w.Body.Bytes(), []byte(want)) {
		b.Fatalf("status %d: %s", w.Code, w.Body.Bytes())
	}
}

func benchServe(b *testing.B, audit bool, model string, stream bool, want string) {
	h := benchHandler(b, audit)
	body := benchBody(model, stream)
	serveOnce(b, h, body, want) // connections warm, pools filled
	b.ReportAllocs()
	for b.Loop() {
		serveOnce(b, h, body, want)
	}
}

// BenchmarkUpstreamDirect is the floor: the same request straight to the
// fake with a pooled client, no gateway.
func BenchmarkUpstreamDirect(b *testing.B) {
	up := httptest.NewServer(fastfake.New(fastfake.Knobs{Chunks: 20, Words: 20}))
	defer up.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	for _, c := range []struct {
		name   string
		stream bool
	}{{"json", false}, {"stream20", true}} {
		b.Run(c.name, func(b *testing.B) {
			body := benchBody("fast", c.stream)
			b.ReportAllocs()
			for b.Loop() {
				resp, err := client.Post(up.URL+"/v1/chat/completions", "application/json", bytes.NewReader(body))
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Fatal(resp.Status)
				}
			}
		})
	}
}

// BenchmarkReverseProxyStdlib is the in-process limit for any proxy: Go's
// httputil.ReverseProxy (the model for Caddy's reverse_proxy) relaying the
// same request to the same fake, driven like the handler benchmarks. The
// difference between BenchmarkLoopback/chat/pass and it is what routing,
// accounting and the OpenAI semantics cost beyond moving the bytes.
func BenchmarkReverseProxyStdlib(b *testing.B) {
	up := httptest.NewServer(fastfake.New(fastfake.Knobs{Chunks: 20, Words: 20}))
	defer up.Close()
	target, err := url.Parse(up.URL)
	if err != nil {
		b.Fatal(err)
	}
	rp := &httputil.ReverseProxy{
		Rewrite:   func(r *httputil.ProxyRequest) { r.SetURL(target) },
		Transport: &http.Transport{MaxIdleConnsPerHost: 16},
	}
	body := benchBody("fast", false)
	serve := func() {
		r := httptest.NewRequest(http.MethodPost, "/v1/chat/completions", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		rp.ServeHTTP(w, r)
		if w.Code != http.StatusOK || !bytes.Contains(w.Body.Bytes(), []byte(`"chat.completion"`)) {
			b.Fatalf("status %d: %s", w.Code, w.Body.Bytes())
		}
	}
	serve()
	b.ReportAllocs()
	for b.Loop() {
		serve()
	}
}

// BenchmarkSim is the gateway's own overhead with no network at all: the
// in-process simulator with zero latency answers.
func BenchmarkSim(b *testing.B) {
	benchServe(b, true, "sim", false, `"chat.completion"`)
}

// BenchmarkSimNoAudit is BenchmarkSim without the per-request audit entry,
// to show what that entry costs.
func BenchmarkSimNoAudit(b *testing.B) {
	benchServe(b, false, "sim", false, `"chat.completion"`)
}

// BenchmarkSimParallel is the simulator under GOMAXPROCS concurrent
// requests: contention on shared state (breakers, balancer, metrics).
func BenchmarkSimParallel(b *testing.B) {
	h := benchHandler(b, true)
	body := benchBody("sim", false)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r := httptest.NewRequest(http.MethodPost, "/v1/chat/completions", bytes.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			w := httptest.NewRecorder()
			_ = h.ServeHTTP(w, r, nil)
			if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "chat.completion") {
				b.Errorf("status %d", w.Code)
				return
			}
		}
	})
}
