package aibackends

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"

	"github.com/sira-ai/caddy-ai-backends/internal/testclock"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// keysConfig is one openai_compatible provider "p" serving model "m" with
// the given keys (JSON objects), no retries, keys taken in turn.
func keysConfig(url string, keys ...string) string {
	return fmt.Sprintf(`{"providers":[{"type":"openai_compatible","name":"p","base_url":%q,`+
		`"api_keys":[%s],"models":["m"],"max_retries":0}],"load_balancing":{"policy":"round_robin"}}`,
		url+"/v1", strings.Join(keys, ","))
}

func keyJSON(secret string) string { return fmt.Sprintf(`{"value":%q}`, secret) }

func TestLastKeyStaysInUseAfter401(t *testing.T) {
	up := newScriptedUpstream(t, always(http.StatusUnauthorized))
	h := provisionTestHandler(t, keysConfig(up.URL, keyJSON("only-key-1")), testclock.New())
	for i := 0; i < 3; i++ {
		r := h.testChat(t, "m")
		if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "scripted 401") {
			t.Fatalf("request %d: want the upstream's own 401, got %d %s", i, r.status, r.body)
		}
	}
	if n := up.count("", ""); n != 3 {
		t.Fatalf("the upstream was asked %d times for 3 requests: the only key was taken out of use", n)
	}
	if ks := keyView(t, h, "p", "only-key-1"); ks.State != keyActive || ks.NextProbe != nil {
		t.Fatalf("the only key must stay active, status says %+v", ks)
	}
	up.setStatus(always(http.StatusOK))
	if r := h.testChat(t, "m"); r.status != http.StatusOK {
		t.Fatalf("after the upstream accepts the key again: %d %s", r.status, r.body)
	}
}

// noProbe: the status API shows no next probe.
const noProbe = time.Duration(-1)

func TestRejectedKeyRestsWithBackoffAndIsProbed(t *testing.T) {
	clock := testclock.New()
	up := newScriptedUpstream(t, rejectKey("rest-a"))
	h := provisionTestHandler(t, keysConfig(up.URL, keyJSON("rest-a"), keyJSON("rest-b")), clock)
	serveAll := func(n int) {
		t.Helper()
		for i := 0; i < n; i++ {
			if r := h.testChat(t, "m"); r.status != http.StatusOK {
				t.Fatalf("the other key should have served: %d %s", r.status, r.body)
			}
		}
	}
	wantKey := func(state string, level int, next time.Duration, uses int) {
		t.Helper()
		ks := keyView(t, h, "p", "rest-a")
		if ks.State != state || ks.BackoffLevel != level {
			t.Fatalf("key a: state %s level %d, want %s level %d", ks.State, ks.BackoffLevel, state, level)
		}
		if next == noProbe && ks.NextProbe != nil || next != noProbe && (ks.NextProbe == nil || !ks.NextProbe.Equal(clock.Now().Add(next))) {
			t.Fatalf("key a: next probe %v, want now+%v", ks.NextProbe, next)
		}
		if n := up.count("rest-a", ""); n != uses {
			t.Fatalf("key a was used %d times, want %d", n, uses)
		}
	}

	serveAll(4)
	wantKey(keyResting, 1, time.Minute, 1)
	clock.Advance(59 * time.Second)
	serveAll(4)
	wantKey(keyResting, 1, time.Second, 1)

	clock.Advance(time.Second)
	wantKey(keyProbing, 1, 0, 1)
	// Probed once, rejected again: the rest doubles.
	serveAll(2)
	wantKey(keyResting, 2, 2*time.Minute, 2)

	up.setStatus(always(http.StatusOK))
	clock.Advance(2 * time.Minute)
	serveAll(2)
	wantKey(keyActive, 0, noProbe, 3)
	serveAll(2)
	wantKey(keyActive, 0, noProbe, 4)
}

func TestKeyBackoffDoublesToOneHour(t *testing.T) {
	var k keyHealth
	now := testclock.Epoch
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute,
		16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour}
	for i, w := range want {
		until, started := k.rest(now)
		if !started || until.Sub(now) != w {
			t.Fatalf("rest %d: %v (started %v), want %v", i+1, until.Sub(now), started, w)
		}
		if _, again := k.rest(now.Add(time.Second)); again {
			t.Fatalf("rest %d: a failure reported while resting doubled the back-off", i+1)
		}
		now = until
	}
	if !k.succeeded() {
		t.Fatal("a success did not restore the key")
	}
	if phase, _, level := k.view(now); phase != keyActive || level != 0 {
		t.Fatalf("after success: %s level %d", phase, level)
	}
}

func TestEnableKeyEndpoint(t *testing.T) {
	clock := testclock.New()
	up := newScriptedUpstream(t, rejectKey("enable-a"))
	h := provisionTestHandler(t, keysConfig(up.URL, keyJSON("enable-a"), keyJSON("enable-b")), clock)
	for i := 0; i < 2; i++ {
		h.testChat(t, "m")
	}
	if ks := keyView(t, h, "p", "enable-a"); ks.State != keyResting {
		t.Fatalf("key a should rest after its 401: %+v", ks)
	}

	// The status API says when the resting key is probed next.
	w := httptest.NewRecorder()
	if err := (Admin{}).status(w, httptest.NewRequest(http.MethodGet, "/ai_backends/status", nil)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(w.Body.String(), `"state":"resting","next_probe":"`+clock.Now().Add(time.Minute).Format(time.RFC3339)) {
		t.Fatalf("status API: no resting key with its next probe: %s", w.Body)
	}

	fp := providers.KeyFingerprint("enable-a")
	enable := func(method, path string) (int, string) {
		w := httptest.NewRecorder()
		err := (Admin{}).enableKey(w, httptest.NewRequest(method, path, nil))
		if err != nil {
			apiErr, ok := err.(caddy.APIError)
			if !ok {
				t.Fatalf("%s %s: %v is not a caddy.APIError", method, path, err)
			}
			return apiErr.HTTPStatus, apiErr.Err.Error()
		}
		return w.Code, w.Body.String()
	}
	if code, _ := enable(http.MethodGet, "/ai_backends/keys/"+fp+"/enable"); code != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d, want 405", code)
	}
	if code, msg := enable(http.MethodPost, "/ai_backends/keys/sk-secret/enable"); code != http.StatusBadRequest || !strings.Contains(msg, "fingerprint") {
		t.Errorf("malformed fingerprint: %d %s, want 400", code, msg)
	}
	if code, _ := enable(http.MethodPost, "/ai_backends/keys/kfp_0000000000000000/enable"); code != http.StatusNotFound {
		t.Errorf("unknown fingerprint: %d, want 404", code)
	}
	if code, _ := enable(http.MethodPost, "/ai_backends/keys/"+fp); code != http.StatusNotFound {
		t.Errorf("no /enable: %d, want 404", code)
	}
	code, body := enable(http.MethodPost, "/ai_backends/keys/"+fp+"/enable")
	if code != http.StatusOK || !strings.Contains(body, `"were_resting":1`) {
		t.Fatalf("enable: %d %s", code, body)
	}
	if ks := keyView(t, h, "p", "enable-a"); ks.State != keyActive || ks.NextProbe != nil || ks.BackoffLevel != 0 {
		t.Fatalf("after enable: %+v", ks)
	}
	up.setStatus(always(http.StatusOK))
	before := up.count("enable-a", "")
	for i := 0; i < 2; i++ {
		h.testChat(t, "m")
	}
	if up.count("enable-a", "") != before+1 {
		t.Fatal("the enabled key is not used again at once")
	}
}

func TestKeyStateSurvivesReloadUnlessItsConfigChanges(t *testing.T) {
	clock := testclock.New()
	up := newScriptedUpstream(t, rejectKey("reload-a"))
	cfg := keysConfig(up.URL, keyJSON("reload-a"), keyJSON("reload-b"))
	h := provisionTestHandler(t, cfg, clock)
	for i := 0; i < 2; i++ {
		h.testChat(t, "m")
	}
	// A reload provisions the new config while the old one still runs.
	same := provisionTestHandler(t, cfg, clock)
	if ks := keyView(t, same, "p", "reload-a"); ks.State != keyResting {
		t.Fatalf("the same key after a reload: %s, want its rest kept", ks.State)
	}
	changed := provisionTestHandler(t, keysConfig(up.URL,
		`{"value":"reload-a","not_after":"2030-01-01"}`, keyJSON("reload-b")), clock)
	if ks := keyView(t, changed, "p", "reload-a"); ks.State != keyActive {
		t.Fatalf("a key whose config changed: %s, want it fresh", ks.State)
	}
	moved := provisionTestHandler(t, strings.Replace(cfg, "127.0.0.1", "localhost", 1), clock)
	if ks := keyView(t, moved, "p", "reload-a"); ks.State != keyActive {
		t.Fatalf("a key sent to another base URL: %s, want it fresh", ks.State)
	}
}

func TestForbiddenModelCountsAgainstItsDeploymentNotTheKey(t *testing.T) {
	clock := testclock.New()
	up := newScriptedUpstream(t, func(_, model string) int {
		if strings.HasPrefix(model, "forbidden") {
			return http.StatusForbidden
		}
		return http.StatusOK
	})
	h := provisionTestHandler(t, keysConfig(up.URL, keyJSON("perm-a"), keyJSON("perm-b")), clock)
	for i := 0; i < 8; i++ {
		r := h.testChat(t, "p/forbidden-model")
		if i < 5 && (r.status != http.StatusForbidden || !strings.Contains(r.body, "permission_error")) {
			t.Fatalf("request %d: want the upstream's 403, got %d %s", i, r.status, r.body)
		}
	}
	if n := up.count("", "forbidden-model"); n != 5 {
		t.Fatalf("the forbidden model was asked %d times; its breaker should stop it after 5", n)
	}
	for _, secret := range []string{"perm-a", "perm-b"} {
		if ks := keyView(t, h, "p", secret); ks.State != keyActive {
			t.Fatalf("key %s was taken out of use by another model's 403s: %+v", secret, ks)
		}
	}
	for _, model := range []string{"m", "p/other-model", "m", "p/other-model"} {
		if r := h.testChat(t, model); r.status != http.StatusOK {
			t.Fatalf("%s after another model's 403s: %d %s", model, r.status, r.body)
		}
	}
	if up.count("perm-a", "m")+up.count("perm-a", "other-model") == 0 || up.count("perm-b", "m")+up.count("perm-b", "other-model") == 0 {
		t.Fatal("both keys should still serve")
	}
}
