package aibackends

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
)

// pipeFast keeps retries instant: backoffs of a nanosecond, and an
// upstream's Retry-After (longer than max_backoff) moves on at once.
const pipeFast = `"retry":{"base_backoff":1,"max_backoff":1}`

// TestPipeline drives the request path in process through its failure
// handling: each case builds fakes, a config and one request, and checks
// the answer and what the upstreams saw.
func TestPipeline(t *testing.T) {
	type fakes struct {
		a, b       *fakeupstream.Recorder
		aURL, bURL string
	}
	newFakes := func(t *testing.T, a, b fakeupstream.OpenAIConfig) fakes {
		sa, ra := fakeupstream.NewOpenAI(t, a)
		sb, rb := fakeupstream.NewOpenAI(t, b)
		return fakes{a: ra, b: rb, aURL: sa.URL + "/v1", bURL: sb.URL + "/v1"}
	}
	// aThenB: deployments a and b of model m, in that order.
	aThenB := func(f fakes) string {
		return fmt.Sprintf(`{%s,"providers":[
			{"type":"openai_compatible","name":"a","base_url":%q,"models":["m"]},
			{"type":"openai_compatible","name":"b","base_url":%q,"models":["m"]}]}`, pipeFast, f.aURL, f.bURL)
	}
	for _, c := range []struct {
		name   string
		a, b   fakeupstream.OpenAIConfig
		config func(f fakes) string // the handler's JSON
		body   string
		status int
		check  func(t *testing.T, f fakes, w *http.Response, body string)
	}{{
		name: "retry the same deployment after a 500",
		a:    fakeupstream.OpenAIConfig{Fail: fakeupstream.OpenAIErrorFor(500), FailFirst: 1},
		config: func(f fakes) string {
			return fmt.Sprintf(`{%s,"providers":[{"type":"openai_compatible","name":"a","base_url":%q,"models":["m"]}]}`, pipeFast, f.aURL)
		},
		body: pipeChat("m", false), status: 200,
		check: func(t *testing.T, f fakes, w *http.Response, body string) {
			if f.a.Count() != 2 {
				t.Errorf("upstream saw %d requests, want 2", f.a.Count())
			}
		},
	}, {
		name: "fall back to the next deployment when one keeps failing",
		a:    fakeupstream.OpenAIConfig{Fail: fakeupstream.OpenAIErrorFor(503)},
		b:    fakeupstream.OpenAIConfig{Reply: "from b"},
		config: func(f fakes) string {
			return fmt.Sprintf(`{%s,"providers":[
				{"type":"openai_compatible","name":"a","base_url":%q,"models":["m"],"max_retries":1},
				{"type":"openai_compatible","name":"b","base_url":%q,"models":["m"]}]}`, pipeFast, f.aURL, f.bURL)
		},
		body: pipeChat("m", false), status: 200,
		check: func(t *testing.T, f fakes, w *http.Response, body string) {
			if w.Header.Get("X-AI-Provider") != "b" || !strings.Contains(body, "from b") || f.a.Count() != 2 {
				t.Errorf("provider %q, a saw %d: %s", w.Header.Get("X-AI-Provider"), f.a.Count(), body)
			}
		},
	}, {
		name: "switch to the provider's other key after a 401",
		a:    fakeupstream.OpenAIConfig{APIKey: "good-key"},
		config: func(f fakes) string {
			return fmt.Sprintf(`{%s,"load_balancing":{"policy":"round_robin"},"providers":[{"type":"openai","name":"a","base_url":%q,
				"api_keys":[{"value":"bad-key"},{"value":"good-key"}],"models":["m"]}]}`, pipeFast, f.aURL)
		},
		body: pipeChat("m", false), status: 200,
		check: func(t *testing.T, f fakes, w *http.Response, body string) {
			if n := f.a.Count(); n < 1 || n > 2 {
				t.Errorf("upstream saw %d requests", n)
			}
		},
	}, {
		name:   "a 429 from a one-key deployment cools it down; the next deployment serves",
		a:      fakeupstream.OpenAIConfig{Fail: fakeupstream.OpenAIErrorFor(429)},
		b:      fakeupstream.OpenAIConfig{Reply: "from b"},
		config: aThenB,
		body:   pipeChat("m", false), status: 200,
		check: func(t *testing.T, f fakes, w *http.Response, body string) {
			if w.Header.Get("X-AI-Provider") != "b" || f.a.Count() != 1 {
				t.Errorf("provider %q, a saw %d", w.Header.Get("X-AI-Provider"), f.a.Count())
			}
		},
	}, {
		name: "the request's deadline ends a slow upstream with a 504",
		a:    fakeupstream.OpenAIConfig{Delay: time.Minute},
		config: func(f fakes) string {
			return fmt.Sprintf(`{"retry":{"deadline":"50ms"},"providers":[{"type":"openai_compatible","name":"a","base_url":%q,"models":["m"]}]}`, f.aURL)
		},
		body: pipeChat("m", false), status: 504,
		check: func(t *testing.T, f fakes, w *http.Response, body string) {
			if !strings.Contains(body, `"type":"timeout_error"`) {
				t.Errorf("body %s", body)
			}
		},
	}, {
		name:   "a stream that fails after its first byte is not retried",
		a:      fakeupstream.OpenAIConfig{StreamError: fakeupstream.OpenAIErrorFor(500), StreamErrorAfter: 2},
		b:      fakeupstream.OpenAIConfig{},
		config: aThenB,
		body:   pipeChat("m", true), status: 200,
		check: func(t *testing.T, f fakes, w *http.Response, body string) {
			if f.a.Count() != 1 || f.b.Count() != 0 {
				t.Errorf("a saw %d, b saw %d: a committed stream went elsewhere", f.a.Count(), f.b.Count())
			}
			if !strings.Contains(body, `"error"`) || strings.Contains(body, "[DONE]") {
				t.Errorf("the stream does not end with an error event:\n%s", body)
			}
		},
	}, {
		name: "degrade_to serves after every provider of the model failed",
		a:    fakeupstream.OpenAIConfig{Fail: fakeupstream.OpenAIErrorFor(503)},
		config: func(f fakes) string {
			return fmt.Sprintf(`{%s,"degrade_to":"cheap","providers":[
				{"type":"openai_compatible","name":"a","base_url":%q,"models":["m"],"max_retries":0},
				{"type":"sim","name":"local","models":["cheap"]}]}`, pipeFast, f.aURL)
		},
		body: pipeChat("m", false), status: 200,
		check: func(t *testing.T, f fakes, w *http.Response, body string) {
			if w.Header.Get("X-AI-Degraded") != "cheap" || w.Header.Get("X-AI-Provider") != "local" {
				t.Errorf("degraded %q provider %q", w.Header.Get("X-AI-Degraded"), w.Header.Get("X-AI-Provider"))
			}
		},
	}} {
		t.Run(c.name, func(t *testing.T) {
			f := newFakes(t, c.a, c.b)
			h := pipeHandler(t, c.config(f))
			w := pipeDo(t, h, "POST", "/v1/chat/completions", c.body)
			resp := w.Result()
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.status, w.Body)
			}
			c.check(t, f, resp, w.Body.String())
		})
	}
}

// TestPipelineStaleIfError: an expired answer is served when every provider
// failed and stale_if_error allows it.
func TestPipelineStaleIfError(t *testing.T) {
	srv, rec := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{Reply: "cached answer"})
	// One nanosecond of freshness: the second request finds the entry
	// expired but within stale_if_error.
	h := pipeHandler(t, fmt.Sprintf(`{%s,"cache":{"ttl":1,"stale_if_error":"1h","max_size":1048577},
		"providers":[{"type":"openai_compatible","name":"a","base_url":%q,"models":["m"],"max_retries":0}]}`, pipeFast, srv.URL+"/v1"))
	body := `{"model":"m","temperature":0,"messages":[{"role":"user","content":"hello"}]}`
	if w := pipeDo(t, h, "POST", "/v1/chat/completions", body); w.Code != 200 {
		t.Fatalf("first: %d %s", w.Code, w.Body)
	}
	srv.Close() // the upstream is gone
	w := pipeDo(t, h, "POST", "/v1/chat/completions", body)
	if w.Code != 200 || !strings.Contains(w.Body.String(), "cached answer") || w.Header().Get("Warning") == "" {
		t.Fatalf("stale answer: %d %q %s", w.Code, w.Header().Get("Warning"), w.Body)
	}
	if rec.Count() != 1 {
		t.Errorf("upstream saw %d requests", rec.Count())
	}
}
