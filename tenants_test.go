package aibackends

// In-process tests of what a client key lets its holder see and reach, and
// of what the gateway records about who asked (issue 14, items 9, 10, 12
// and 13).

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2"
	dto "github.com/prometheus/client_model/go"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/sira-ai/caddy-ai-backends/metrics"
	"github.com/sira-ai/caddy-ai-backends/security"
)

// tenantHandler is a provisioned handler with its Caddy context (for the
// metrics registry) and an observed audit log.
type tenantHandler struct {
	*Handler
	ctx   caddy.Context
	audit *observer.ObservedLogs
}

// newTenantHandler provisions a handler from JSON, as Caddy would, with
// an observed audit log.
func newTenantHandler(t *testing.T, cfg string) *tenantHandler {
	t.Helper()
	h, ctx := pipeHandlerContext(t, cfg)
	core, logs := observer.New(zapcore.InfoLevel)
	h.auditLog = zap.New(core)
	return &tenantHandler{Handler: h, ctx: ctx, audit: logs}
}

func chatBody(model string) string {
	return `{"model":"` + model + `","messages":[{"role":"user","content":"hi"}],"max_tokens":5}`
}

// Two providers whose names share a prefix, a public model on each, an alias.
const tenantConfig = `{
	"providers": [
		{"type":"sim","name":"sim","models":["sim-fast"],"max_output":5},
		{"type":"sim","name":"simp","models":["private"],"max_output":5}
	],
	"aliases": {"sim-alias": ["sim/sim-fast"]},
	"client_keys": [
		{"key":"key-wild","models":["sim*"]},
		{"key":"key-addr","models":["simp/*"]},
		{"key":"key-exact","models":["sim-fast","sim/sim-fast"]},
		{"key":"key-all","models":["*"]}
	]
}`

func TestAllowListMatchesResolvedModel(t *testing.T) {
	th := newTenantHandler(t, tenantConfig)
	for _, tc := range []struct {
		key, model string
		want       int
	}{
		{"key-wild", "sim-fast", 200},
		{"key-wild", "sim-alias", 200},
		// The bug: "sim*" matched the string "simp/…" and so a provider
		// the key was never meant to reach.
		{"key-wild", "simp/anything", 403},
		{"key-wild", "simp/private", 403},
		{"key-wild", "sim/sim-fast", 403}, // an address needs an entry naming the provider
		{"key-wild", "private", 403},
		{"key-addr", "simp/anything", 200},
		{"key-addr", "simp/private", 200},
		{"key-addr", "sim-fast", 403},
		{"key-addr", "sim/sim-fast", 403},
		{"key-exact", "sim/sim-fast", 200},
		{"key-exact", "sim/other", 403},
		{"key-exact", "sim-alias", 403},
		{"key-all", "simp/anything", 200},
		{"key-all", "private", 200},
	} {
		w := pipeDo(t, th.Handler, http.MethodPost, "/v1/chat/completions", chatBody(tc.model), "Authorization", "Bearer "+tc.key)
		if w.Code != tc.want {
			t.Errorf("%s asking for %s: %d, want %d: %s", tc.key, tc.model, w.Code, tc.want, w.Body)
		}
	}
}

func TestModelListFilteredByKey(t *testing.T) {
	th := newTenantHandler(t, tenantConfig)
	list := func(key string) []string {
		w := pipeDo(t, th.Handler, http.MethodGet, "/v1/models", "", "Authorization", "Bearer "+key)
		var out struct{ Data []struct{ ID string } }
		if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &out) != nil {
			t.Fatalf("GET /v1/models with %s: %d %s", key, w.Code, w.Body)
		}
		ids := []string{}
		for _, m := range out.Data {
			ids = append(ids, m.ID)
		}
		sort.Strings(ids)
		return ids
	}
	for key, want := range map[string]string{
		"key-wild":  "sim-alias,sim-fast",
		"key-addr":  "",
		"key-exact": "sim-fast",
		"key-all":   "private,sim-alias,sim-fast",
	} {
		if got := strings.Join(list(key), ","); got != want {
			t.Errorf("%s lists %q, want %q", key, got, want)
		}
	}
	for _, tc := range []struct {
		key, id string
		want    int
	}{
		{"key-wild", "sim-fast", 200},
		{"key-wild", "private", 404},
		{"key-wild", "simp/anything", 404}, // would reveal that a provider "simp" exists
		{"key-wild", "nosuch/anything", 404},
		{"key-addr", "simp/anything", 200},
		{"key-addr", "sim-fast", 404},
		{"key-all", "simp/anything", 200},
	} {
		w := pipeDo(t, th.Handler, http.MethodGet, "/v1/models/"+tc.id, "", "Authorization", "Bearer "+tc.key)
		if w.Code != tc.want {
			t.Errorf("%s GET /v1/models/%s: %d, want %d: %s", tc.key, tc.id, w.Code, tc.want, w.Body)
		}
		if tc.want == 404 && !strings.Contains(w.Body.String(), "model_not_found") {
			t.Errorf("%s GET /v1/models/%s: not answered like an unknown model: %s", tc.key, tc.id, w.Body)
		}
	}
	if w := pipeDo(t, th.Handler, http.MethodGet, "/v1/models", ""); w.Code != 401 {
		t.Errorf("GET /v1/models without a key: %d", w.Code)
	}
}

// securityEvents reads ai_security_events_total by event from the registry.
func securityEvents(t *testing.T, ctx caddy.Context) map[string]float64 {
	t.Helper()
	families, err := ctx.GetMetricsRegistry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, f := range families {
		if f.GetName() != "ai_security_events_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			out[labelValue(m, "event")] = m.GetCounter().GetValue()
		}
	}
	return out
}

func labelValue(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

func TestDenialsCountedByReason(t *testing.T) {
	th := newTenantHandler(t, `{
		"providers": [{"type":"sim","name":"sim","models":["sim-fast"],"max_output":5,
			"model_overrides":{"sim-fast":{"input":1000000,"output":1000000}}}],
		"client_keys": [
			{"key":"key-rpm","models":["sim-fast"],"requests_per_minute":1},
			{"key":"key-tpm","tokens_per_minute":10},
			{"key":"key-budget","budget_usd":0.000001}
		]
	}`)
	before := securityEvents(t, th.ctx)
	post := func(key, body string) int {
		return pipeDo(t, th.Handler, http.MethodPost, "/v1/chat/completions", body, "Authorization", "Bearer "+key).Code
	}
	steps := []struct {
		key, body string
		status    int
		event     string
	}{
		{"wrong", chatBody("sim-fast"), 401, metrics.EventDeniedInvalidKey},
		{"key-rpm", chatBody("sim/sim-fast"), 403, metrics.EventDeniedModel},
		{"key-rpm", chatBody("sim-fast"), 200, ""},
		{"key-rpm", chatBody("sim-fast"), 429, metrics.EventDeniedRateLimit},
		{"key-tpm", `{"model":"sim-fast","messages":[{"role":"user","content":"hi"}],"max_tokens":100}`, 413, metrics.EventDeniedTooLarge},
		{"key-budget", chatBody("sim-fast"), 200, ""},
		{"key-budget", chatBody("sim-fast"), 429, metrics.EventDeniedBudget},
	}
	want := map[string]float64{}
	for _, s := range steps {
		if got := post(s.key, s.body); got != s.status {
			t.Fatalf("%s: status %d, want %d", s.key, got, s.status)
		}
		if s.event != "" {
			want[s.event]++
		}
	}
	after := securityEvents(t, th.ctx)
	for event, n := range want {
		if d := after[event] - before[event]; d != n {
			t.Errorf("ai_security_events_total{event=%q} rose by %v, want %v (all: %v)", event, d, n, after)
		}
	}
	if d := after[metrics.Other] - before[metrics.Other]; d != 0 {
		t.Errorf("%v denials counted as %q", d, metrics.Other)
	}
}

func TestDenialEventForEveryDenial(t *testing.T) {
	for _, tc := range []struct {
		d    *security.Denial
		want string
	}{
		{security.InvalidKeyDenial(), metrics.EventDeniedInvalidKey},
		{security.ModelDenial("m"), metrics.EventDeniedModel},
		{security.AnomalyDenial(1), metrics.EventDeniedAnomaly},
		{&security.Denial{Status: 413, Type: security.DenialRateLimited, Code: security.CodeRequestTooLarge}, metrics.EventDeniedTooLarge},
		{&security.Denial{Status: 429, Type: security.DenialRateLimited, Code: security.CodeRateLimited}, metrics.EventDeniedRateLimit},
		{&security.Denial{Status: 429, Type: security.DenialBudgetExceeded, Code: security.CodeInsufficientQuota}, metrics.EventDeniedBudget},
		{&security.Denial{Status: 429, Type: security.DenialBudgetExceeded, Code: security.CodeBudgetReserved}, metrics.EventDeniedBudget},
		{&security.Denial{Status: 503, Type: codeSharedStateUnavailable, Code: codeSharedStateUnavailable}, metrics.EventDeniedSharedState},
		// A denial with a code added later still lands on its reason.
		{&security.Denial{Status: 429, Type: security.DenialBudgetExceeded, Code: "new_budget_code"}, metrics.EventDeniedBudget},
		{&security.Denial{Status: 429, Type: security.DenialRateLimited, Code: "new_limit_code"}, metrics.EventDeniedRateLimit},
	} {
		if got := denialEvent(tc.d); got != tc.want {
			t.Errorf("%s/%s: %q, want %q", tc.d.Type, tc.d.Code, got, tc.want)
		}
	}
}

func TestRequestIDIsTheGatewaysOwn(t *testing.T) {
	th := newTenantHandler(t, `{"providers":[{"type":"sim","name":"sim","models":["sim-fast"],"max_output":5}]}`)
	const chosen = "audit-entry-of-someone-else"
	w := pipeDo(t, th.Handler, http.MethodPost, "/v1/chat/completions", chatBody("sim-fast"), "X-Request-Id", chosen)
	id := w.Header().Get("X-Request-Id")
	if w.Code != 200 || id == "" || id == chosen {
		t.Fatalf("status %d, X-Request-Id %q: the client chose the gateway's id", w.Code, id)
	}
	entries := th.audit.FilterMessage("request").All()
	if len(entries) != 1 {
		t.Fatalf("%d audit entries", len(entries))
	}
	fields := entries[0].ContextMap()
	if fields["request_id"] != id || fields["client_request_id"] != chosen {
		t.Fatalf("audit request_id %q, client_request_id %q; want %q and %q",
			fields["request_id"], fields["client_request_id"], id, chosen)
	}

	// Two requests with the same client id still get distinct ids.
	w2 := pipeDo(t, th.Handler, http.MethodPost, "/v1/chat/completions", chatBody("sim-fast"), "X-Request-Id", chosen)
	if w2.Header().Get("X-Request-Id") == id {
		t.Fatal("two requests share the gateway's request id")
	}
}

func TestClientRequestIDSanitised(t *testing.T) {
	long := strings.Repeat("a", 300)
	for in, want := range map[string]string{
		"":                         "",
		"req-123_ABC.x":            "req-123_ABC.x",
		"forged\r\n{\"level\":1}":  "forged{\"level\":1}",
		"tab\tand\x00nul\x7fdel":   "tabandnuldel",
		"caf\xc3\xa9":              "caf",
		long:                       long[:maxClientRequestID],
		"\x01" + long:              long[:maxClientRequestID],
		"with space and / slashes": "with space and / slashes",
	} {
		if got := clientRequestID(in); got != want {
			t.Errorf("clientRequestID(%q) = %q, want %q", in, got, want)
		}
	}
	clean := "abc-123"
	if testing.AllocsPerRun(100, func() { _ = clientRequestID(clean) }) != 0 {
		t.Error("a clean id is copied")
	}
}

func TestCredentialHeadersMaskedAfterAuthentication(t *testing.T) {
	th := newTenantHandler(t, tenantConfig)
	for _, hdr := range []string{"Authorization", "X-Api-Key", "Api-Key"} {
		value := "key-all"
		if hdr == "Authorization" {
			value = "Bearer key-all"
		}
		r := httptest.NewRequest(http.MethodPost, "/v1/chat/completions", strings.NewReader(chatBody("sim-fast")))
		r.Header.Set(hdr, value)
		r.Header.Set("X-Goog-Api-Key", "key-all")
		w := httptest.NewRecorder()
		if err := th.ServeHTTP(w, r, nil); err != nil || w.Code != 200 {
			t.Fatalf("%s: %v %d %s", hdr, err, w.Code, w.Body)
		}
		for name, vs := range r.Header {
			for _, v := range vs {
				if strings.Contains(v, "key-all") {
					t.Errorf("%s: header %s still holds the key after the handler: %q", hdr, name, v)
				}
			}
		}
	}
}

func TestUnmarshalCaddyfileBodyReadTimeout(t *testing.T) {
	h := caddyfileHandler(t, `ai_backends {
		body_read_timeout 7s
	}`)
	if h.BodyReadTimeout != caddy.Duration(7e9) {
		t.Fatalf("body_read_timeout: %v", h.BodyReadTimeout)
	}
	caddyfileRejects(t, map[string]string{
		"no duration":  `ai_backends { body_read_timeout }`,
		"bad duration": `ai_backends { body_read_timeout soon }`,
	})
	var buf bytes.Buffer
	_ = json.NewEncoder(&buf).Encode(&Handler{BodyReadTimeout: caddy.Duration(7e9)})
	if !strings.Contains(buf.String(), `"body_read_timeout":7000000000`) {
		t.Fatalf("JSON: %s", buf.String())
	}
}
