package aibackends

// Benchmarks of the Responses and Gemini-native endpoints next to chat's
// (issues 15 and 16): pass-through and translation, plain and streamed.
// BenchmarkGatewayCPU runs every scenario with the upstream in memory (no
// sockets, no goroutines): what remains is the gateway's own CPU plus a
// constant for the fake, so translated − pass-through is what translation
// costs per request.
//
//	go test -run '^$' -bench 'GatewayCPU|UpstreamFakeCPU' -benchmem .
//
// BenchmarkUpstreamFakeCPU runs the fake alone for each scenario, so a
// scenario's own overhead is GatewayCPU − UpstreamFakeCPU: the fake writes
// bigger events for Responses than for chat, and comparing raw figures
// would charge that to the gateway. On a shared machine separate runs
// differ by more than the 10 % the endpoint targets ask for;
// BenchmarkPassOverheadLabelled measures the pass-through scenarios and
// their fakes interleaved in one run instead.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/pprof"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/bench/fastfake"
)

// benchGemini is a typical generateContent request: a system instruction
// and one user turn.
const benchGemini = `{"systemInstruction":{"parts":[{"text":"Be brief."}]},"contents":[{"role":"user","parts":[{"text":"Say something about reverse proxies."}]}]}`

// benchResponses is a typical Responses request: instructions and one
// user turn, store off (what is measured is the request path).
const benchResponses = `{"model":%q,"instructions":"Be brief.","input":"Say something about reverse proxies.","store":false%s}`

// benchScenario is one request shape against one deployment.
type benchScenario struct {
	name, path, want string
	body             []byte
}

func chatScenario(name, model string, stream bool, want string) benchScenario {
	return benchScenario{name, "/v1/chat/completions", want, benchBody(model, stream)}
}

func responsesScenario(name, model string, stream bool, want string) benchScenario {
	extra := ""
	if stream {
		extra = `,"stream":true`
	}
	return benchScenario{name, "/v1/responses", want, []byte(fmt.Sprintf(benchResponses, model, extra))}
}

func geminiScenario(name, model string, stream bool, want string) benchScenario {
	path := "/v1beta/models/" + model + ":generateContent"
	if stream {
		path = "/v1beta/models/" + model + ":streamGenerateContent?alt=sse"
	}
	return benchScenario{name, path, want, []byte(benchGemini)}
}

// benchScenarios: each client dialect passed through to its own kind of
// upstream and translated to Anthropic (Gemini also to OpenAI chat),
// plain and as a 20-chunk stream.
var benchScenarios = []benchScenario{
	chatScenario("chat/pass", "fast", false, `"chat.completion"`),
	chatScenario("chat/anthropic", "claude", false, `"chat.completion"`),
	chatScenario("chat/pass/stream20", "fast", true, "data: [DONE]"),
	chatScenario("chat/anthropic/stream20", "claude", true, "data: [DONE]"),
	responsesScenario("responses/pass", "fast", false, `"object":"response"`),
	responsesScenario("responses/anthropic", "claude", false, `"object":"response"`),
	responsesScenario("responses/pass/stream20", "fast", true, "response.completed"),
	responsesScenario("responses/anthropic/stream20", "claude", true, "response.completed"),
	geminiScenario("gemini/pass", "gem", false, `"candidates"`),
	geminiScenario("gemini/openai", "fast", false, `"candidates"`),
	geminiScenario("gemini/anthropic", "claude", false, `"candidates"`),
	geminiScenario("gemini/pass/stream20", "gem", true, `"finishReason":"STOP"`),
	geminiScenario("gemini/openai/stream20", "fast", true, `"finishReason":"STOP"`),
	geminiScenario("gemini/anthropic/stream20", "claude", true, `"finishReason":"STOP"`),
}

func scenario(b *testing.B, name string) benchScenario {
	for _, s := range benchScenarios {
		if s.name == name {
			return s
		}
	}
	b.Fatalf("no scenario %s", name)
	return benchScenario{}
}

func benchScenarioRun(b *testing.B, h *Handler, s benchScenario) {
	serveOnceAt(b, h, s.path, s.body, s.want) // connections warm, pools filled
	b.ReportAllocs()
	for b.Loop() {
		serveOnceAt(b, h, s.path, s.body, s.want)
	}
}

// BenchmarkLoopback runs every scenario against the fake on a loopback
// socket, as a deployment would see it: the pass-through scenarios relay
// the upstream's body or events unchanged, the translated ones translate
// the request and the answer (chat/anthropic against chat/pass is what
// translation costs a chat client, responses/pass against chat/pass what
// the Responses API costs).
func BenchmarkLoopback(b *testing.B) {
	h := benchHandler(b, true)
	for _, s := range benchScenarios {
		b.Run(s.name, func(b *testing.B) { benchScenarioRun(b, h, s) })
	}
}

// BenchmarkGatewayCPU runs every scenario against the fake in memory: the
// providers' transport calls fastfake's handler directly. Without the
// network stack and its goroutines the figure is the gateway's CPU per
// request (plus the fake's small, constant share) and is far steadier on
// a busy machine than the loopback benchmarks.
func BenchmarkGatewayCPU(b *testing.B) {
	h := benchHandler(b, true)
	inMemoryUpstreams(h, fastfake.New(fastfake.Knobs{Chunks: 20, Words: 20}))
	// Every path warm and provisioning's garbage collected first, so the
	// first scenario is not charged for them.
	for _, s := range benchScenarios {
		serveOnceAt(b, h, s.path, s.body, s.want)
	}
	runtime.GC()
	for _, s := range benchScenarios {
		b.Run(s.name, func(b *testing.B) { benchScenarioRun(b, h, s) })
	}
}

// BenchmarkUpstreamFakeCPU is the fake's share of each GatewayCPU
// scenario: the upstream request the gateway sent for it, answered through
// the same in-memory transport and read to the end, without the gateway.
func BenchmarkUpstreamFakeCPU(b *testing.B) {
	h := benchHandler(b, true)
	fake := fastfake.New(fastfake.Knobs{Chunks: 20, Words: 20})
	sent := &upstreamCapture{next: fake}
	inMemoryUpstreams(h, sent)
	for _, s := range benchScenarios {
		serveOnceAt(b, h, s.path, s.body, s.want)
		up, body := sent.req, sent.body
		b.Run(s.name, func(b *testing.B) {
			t := memTransport{fake}
			b.ReportAllocs()
			for b.Loop() {
				r := *up
				r.Body = io.NopCloser(bytes.NewReader(body))
				resp, err := t.RoundTrip(&r)
				if err != nil || resp.StatusCode != http.StatusOK {
					b.Fatalf("fake answered %v %v", resp.Status, err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
			}
		})
	}
}

// BenchmarkPassOverheadLabelled runs the chat, Responses and Gemini pass-through
// scenarios and their fakes one after the other in every iteration, each
// under a pprof label, so that their CPU shares come from the same moments
// of a busy machine rather than from separate runs minutes apart:
//
//	go test -run '^$' -bench PassOverheadLabelled -benchtime 30000x -cpuprofile cpu.out .
//	go tool pprof -tags cpu.out
//
// A scenario's own overhead is its gw: label minus its fake: label.
func BenchmarkPassOverheadLabelled(b *testing.B) {
	h := benchHandler(b, true)
	fake := fastfake.New(fastfake.Knobs{Chunks: 20, Words: 20})
	sent := &upstreamCapture{next: fake}
	inMemoryUpstreams(h, sent)
	type run struct {
		s    benchScenario
		up   *http.Request
		body []byte
	}
	var runs []run
	for _, name := range []string{"chat/pass", "responses/pass", "gemini/pass",
		"chat/pass/stream20", "responses/pass/stream20", "gemini/pass/stream20"} {
		s := scenario(b, name)
		serveOnceAt(b, h, s.path, s.body, s.want)
		runs = append(runs, run{s, sent.req, sent.body})
	}
	inMemoryUpstreams(h, fake)
	t := memTransport{fake}
	ctx := context.Background()
	for b.Loop() {
		for _, r := range runs {
			pprof.Do(ctx, pprof.Labels("s", "gw:"+r.s.name), func(context.Context) {
				serveOnceAt(b, h, r.s.path, r.s.body, r.s.want)
			})
			pprof.Do(ctx, pprof.Labels("s", "fake:"+r.s.name), func(context.Context) {
				q := *r.up
				q.Body = io.NopCloser(bytes.NewReader(r.body))
				resp, err := t.RoundTrip(&q)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
			})
		}
	}
}

// upstreamCapture keeps the last upstream request (body read whole) and
// passes it on to next.
type upstreamCapture struct {
	next http.Handler
	req  *http.Request
	body []byte
}

func (c *upstreamCapture) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.body, _ = io.ReadAll(r.Body)
	c.req = r.Clone(context.Background()) // the attempt's context ends with it
	r.Body = io.NopCloser(bytes.NewReader(c.body))
	c.next.ServeHTTP(w, r)
}

// inMemoryUpstreams points every provider's transport at fake.
func inMemoryUpstreams(h *Handler, fake http.Handler) {
	for _, u := range h.catalog.upstreams {
		if c := u.cfg.Client(); c != nil {
			c.Transport = memTransport{fake}
		}
	}
}

// memTransport answers a request by running the upstream's handler in the
// caller's goroutine; the answer (a stream included) is buffered whole.
type memTransport struct{ h http.Handler }

func (m memTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	w := httptest.NewRecorder()
	m.h.ServeHTTP(w, r)
	if r.Body != nil {
		_ = r.Body.Close()
	}
	resp := w.Result()
	resp.Request = r
	resp.Body = readCloser{bytes.NewReader(w.Body.Bytes())}
	return resp, nil
}

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }
