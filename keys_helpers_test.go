package aibackends

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/testclock"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// scriptedUpstream is an OpenAI-compatible fake whose answer to each call
// a test decides from the key and model, and which records every call.
type scriptedUpstream struct {
	*httptest.Server
	mu     sync.Mutex
	status func(key, model string) int // 200 or the error status to answer
	calls  []upstreamCall
}

type upstreamCall struct{ key, model string }

func newScriptedUpstream(t *testing.T, status func(key, model string) int) *scriptedUpstream {
	t.Helper()
	u := &scriptedUpstream{status: status}
	u.Server = httptest.NewServer(http.HandlerFunc(u.serve))
	t.Cleanup(u.Close)
	return u
}

func (u *scriptedUpstream) setStatus(f func(key, model string) int) {
	u.mu.Lock()
	u.status = f
	u.mu.Unlock()
}

func (u *scriptedUpstream) serve(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Model string `json:"model"`
	}
	_ = json.NewDecoder(r.Body).Decode(&req)
	key := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	u.mu.Lock()
	u.calls = append(u.calls, upstreamCall{key, req.Model})
	status := u.status(key, req.Model)
	u.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if status != http.StatusOK {
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"error":{"message":"scripted %d","type":"error","code":null}}`, status)
		return
	}
	fmt.Fprintf(w, `{"id":"c1","object":"chat.completion","created":1,"model":%q,`+
		`"choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],`+
		`"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}`, req.Model)
}

// count is how many calls used key (any key when "") for model (any when "").
func (u *scriptedUpstream) count(key, model string) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	n := 0
	for _, c := range u.calls {
		if (key == "" || c.key == key) && (model == "" || c.model == model) {
			n++
		}
	}
	return n
}

// provisionTestHandler provisions a handler from JSON as Caddy would, with
// its clock replaced by clock (nil: the real clock).
func provisionTestHandler(t *testing.T, cfg string, clock *testclock.Clock) *Handler {
	t.Helper()
	return pipeHandler(t, cfg, func(h *Handler) {
		if clock != nil {
			h.now = clock.Now
		}
	})
}

// testReply is a decoded gateway answer.
type testReply struct {
	status int
	body   string
}

func (h *Handler) testPost(t *testing.T, path, body string) testReply {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader([]byte(body)))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	if err := h.ServeHTTP(w, r, nil); err != nil {
		t.Fatal(err)
	}
	return testReply{w.Code, w.Body.String()}
}

// chat sends a one-message chat completion for model.
func (h *Handler) testChat(t *testing.T, model string) testReply {
	t.Helper()
	return h.testPost(t, "/v1/chat/completions",
		fmt.Sprintf(`{"model":%q,"messages":[{"role":"user","content":"hello"}]}`, model))
}

// keyOf returns the provider's key with this secret.
func keyOf(t *testing.T, h *Handler, provider, secret string) *upstreamKey {
	t.Helper()
	for _, k := range h.catalog.byProvider[provider].keys {
		if k.Secret == secret {
			return k
		}
	}
	t.Fatalf("no key %q in provider %q", secret, provider)
	return nil
}

// keyView is the key's entry in the status API.
func keyView(t *testing.T, h *Handler, provider, secret string) keyStatus {
	t.Helper()
	fp := providers.KeyFingerprint(secret)
	for _, p := range h.status().Providers {
		if p.Name != provider {
			continue
		}
		for _, k := range p.Keys {
			if k.Fingerprint == fp {
				return k
			}
		}
	}
	t.Fatalf("status API lists no key %s for provider %q", fp, provider)
	return keyStatus{}
}

// always answers every call with status.
func always(status int) func(string, string) int {
	return func(string, string) int { return status }
}

// rejectKey answers 401 to key and 200 to every other key.
func rejectKey(bad string) func(string, string) int {
	return func(key, _ string) int {
		if key == bad {
			return http.StatusUnauthorized
		}
		return http.StatusOK
	}
}
