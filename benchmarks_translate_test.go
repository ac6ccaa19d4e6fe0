package aibackends

// BenchmarkTranslation isolates what translation itself costs per request,
// without the pipeline or any transport: the client's body decoded into
// the unified request, that request encoded for the upstream, the
// upstream's answer (recorded once from bench/fastfake) decoded, and the
// answer encoded in the client's dialect. Issue 15's budget for it is
// 50 µs of gateway CPU per request.
//
//	go test -run '^$' -bench Translation -benchmem .

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/bench/fastfake"
	geminid "github.com/sira-ai/caddy-ai-backends/dialects/gemini"
	"github.com/sira-ai/caddy-ai-backends/dialects/responses"
	"github.com/sira-ai/caddy-ai-backends/providers"
	"github.com/sira-ai/caddy-ai-backends/providers/anthropic"
)

// fakeAnswer is what bench/fastfake answers body at path.
func fakeAnswer(tb testing.TB, path, body string) []byte {
	tb.Helper()
	w := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	fastfake.New(fastfake.Knobs{Chunks: 20, Words: 20}).ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		tb.Fatalf("fake: %d %s", w.Code, w.Body)
	}
	return w.Body.Bytes()
}

func BenchmarkTranslation(b *testing.B) {
	rqBody := []byte(`{"model":"claude","instructions":"Be brief.","input":"Say something about reverse proxies.","store":false}`)
	msg := fakeAnswer(b, "/v1/messages", `{"model":"claude"}`)
	msgStream := fakeAnswer(b, "/v1/messages", `{"model":"claude","stream":true}`)
	chat := fakeAnswer(b, "/v1/chat/completions", `{"model":"fast"}`)
	opts := anthropic.Options{Model: "claude"}

	b.Run("responses-anthropic", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rq := responsesToAnthropic(b, rqBody, opts)
			resp, err := anthropic.FromAnthropic(msg, 1)
			if err != nil {
				b.Fatal(err)
			}
			out, err := responses.EncodeResponse(rq, resp, responses.Meta{})
			if err != nil || len(out.JSON()) == 0 {
				b.Fatal(err)
			}
		}
	})
	b.Run("responses-anthropic/stream20", func(b *testing.B) {
		sopts := opts
		sopts.Stream = true
		b.ReportAllocs()
		for b.Loop() {
			rq := responsesToAnthropic(b, rqBody, sopts)
			translateStream(b, msgStream, responses.NewStreamEncoder(rq, responses.Meta{}))
		}
	})
	b.Run("gemini-anthropic", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			req := geminiRequest(b, "claude")
			if _, err := anthropic.ToAnthropic(req, opts); err != nil {
				b.Fatal(err)
			}
			resp, err := anthropic.FromAnthropic(msg, 1)
			if err != nil {
				b.Fatal(err)
			}
			if len(geminid.EncodeResponse(resp, "claude")) == 0 {
				b.Fatal("empty")
			}
		}
	})
	b.Run("gemini-openai", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			req := geminiRequest(b, "fast")
			// What the OpenAI provider sends for a request from another
			// dialect (encodeChat: the unified request encoded).
			if _, err := json.Marshal(req); err != nil {
				b.Fatal(err)
			}
			resp, err := providers.DecodeChatHead(chat)
			if err == nil {
				err = resp.LoadChoices()
			}
			if err != nil {
				b.Fatal(err)
			}
			if len(geminid.EncodeResponse(resp, "fast")) == 0 {
				b.Fatal("empty")
			}
		}
	})
}

// responsesToAnthropic decodes a Responses request and translates it to
// Anthropic's, as the pipeline does; it returns the decoded request.
func responsesToAnthropic(b *testing.B, body []byte, opts anthropic.Options) *responses.Request {
	rq, err := responses.Decode(body)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := anthropic.ToAnthropic(rq.ChatRequest(nil), opts); err != nil {
		b.Fatal(err)
	}
	return rq
}

// geminiRequest decodes benchGemini as a request for model.
func geminiRequest(b *testing.B, model string) *providers.ChatRequest {
	req, err := geminid.ParseRequest([]byte(benchGemini), model)
	if err != nil {
		b.Fatal(err)
	}
	return req
}

// translateStream turns a recorded Anthropic stream into chunks and those
// into Responses events, as the pipeline does event by event.
func translateStream(b *testing.B, stream []byte, enc *responses.StreamEncoder) {
	tr := anthropic.NewStreamTranslator(1)
	r := providers.NewSSEReader(bytes.NewReader(stream))
	for !tr.Done() {
		ev, err := r.Next()
		if err != nil {
			b.Fatal(err)
		}
		chunks, err := tr.Translate(ev.Name, ev.Data)
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range chunks {
			if err := enc.Encode(c, io.Discard); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := enc.Finish(io.Discard, nil); err != nil {
		b.Fatal(err)
	}
}
