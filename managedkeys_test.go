package aibackends

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/certmagic"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/sira-ai/caddy-ai-backends/governance"
	"github.com/sira-ai/caddy-ai-backends/internal/testclock"
)

// managedHandler is a handler with managed_keys on a fresh storage, in
// front of a scripted upstream serving models m and n (1 completion token
// at $100 per million: $0.0001 a request). top adds top-level fields.
func managedHandler(t *testing.T, top string) (*Handler, *governance.Governance) {
	t.Helper()
	up := newScriptedUpstream(t, always(http.StatusOK))
	clock := testclock.New()
	gov, err := governance.New(context.Background(), &certmagic.FileStorage{Path: t.TempDir()},
		governance.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	price := `{"max_output":4096,"input":0,"output":100}`
	h := pipeHandler(t, fmt.Sprintf(`{"providers":[{"type":"openai_compatible","name":"up","base_url":%q,
		"models":["m","n"],"max_retries":0,"model_overrides":{"m":%s,"n":%s}}],"managed_keys":true%s}`,
		up.URL+"/v1", price, price, top), func(h *Handler) { h.gov, h.now = gov, clock.Now })
	return h, gov
}

func chatAs(t *testing.T, h *Handler, secret, model string) testReply {
	t.Helper()
	w := pipeDo(t, h, "POST", "/v1/chat/completions", pipeChat(model, false), "Authorization", "Bearer "+secret)
	return testReply{w.Code, w.Body.String()}
}

func createKey(t *testing.T, g *governance.Governance, in governance.KeyInput) (governance.Key, string) {
	t.Helper()
	k, secret, err := g.CreateKey(context.Background(), "test", in)
	if err != nil {
		t.Fatal(err)
	}
	return k, secret
}

func ptrTo[T any](v T) *T { return &v }

func TestManagedKeyWorksUntilRevoked(t *testing.T) {
	h, gov := managedHandler(t, "")
	k, secret := createKey(t, gov, governance.KeyInput{Label: ptrTo("ci")})
	if r := chatAs(t, h, secret, "m"); r.status != http.StatusOK {
		t.Fatalf("managed key: %d %s", r.status, r.body)
	}
	if _, err := gov.RevokeKey(context.Background(), "test", k.ID); err != nil {
		t.Fatal(err)
	}
	r := chatAs(t, h, secret, "m")
	if r.status != http.StatusUnauthorized || !strings.Contains(r.body, `"invalid_api_key"`) {
		t.Fatalf("a revoked key: %d %s", r.status, r.body)
	}
	// In the Anthropic dialect the refusal is Anthropic's error shape.
	w := pipeDo(t, h, "POST", "/v1/messages", `{"model":"m","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}`,
		"x-api-key", secret)
	if w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), `"authentication_error"`) {
		t.Fatalf("a revoked key on /v1/messages: %d %s", w.Code, w.Body.String())
	}
	if r := chatAs(t, h, "", "m"); r.status != http.StatusUnauthorized {
		t.Fatalf("managed_keys must close the gateway to callers without a key: %d", r.status)
	}
}

func TestCaddyfileKeysWorkBesideManagedOnesAndWin(t *testing.T) {
	const caddyfileKey = "sk-caddyfile-key-0123456789"
	h, gov := managedHandler(t, fmt.Sprintf(`,"client_keys":[{"key":%q,"label":"file","models":["m"]}]`, caddyfileKey))
	if r := chatAs(t, h, caddyfileKey, "m"); r.status != http.StatusOK {
		t.Fatalf("Caddyfile key: %d %s", r.status, r.body)
	}
	_, secret := createKey(t, gov, governance.KeyInput{LimitsInput: governance.LimitsInput{Models: &[]string{"n"}}})
	if r := chatAs(t, h, secret, "n"); r.status != http.StatusOK {
		t.Fatalf("managed key beside a Caddyfile key: %d %s", r.status, r.body)
	}
	if gov.Lookup(caddyfileKey, h.now()) != nil {
		t.Fatal("the Caddyfile key is known to the managed index")
	}
}

func TestManagedKeyAndTeamLimitsBothHold(t *testing.T) {
	h, gov := managedHandler(t, "")
	ctx := context.Background()
	if _, err := gov.CreateTeam(ctx, "test", governance.TeamInput{Name: ptrTo("t1"),
		LimitsInput: governance.LimitsInput{RequestsPerMinute: ptrTo(2), Models: &[]string{"m"}, MaxTokens: ptrTo(50)}}); err != nil {
		t.Fatal(err)
	}
	_, a := createKey(t, gov, governance.KeyInput{Team: ptrTo("t1"),
		LimitsInput: governance.LimitsInput{RequestsPerMinute: ptrTo(1), Models: &[]string{"m", "n"}}})
	_, b := createKey(t, gov, governance.KeyInput{Team: ptrTo("t1")})
	if r := chatAs(t, h, a, "n"); r.status != http.StatusForbidden {
		t.Fatalf("a model the key allows and its team does not: %d %s", r.status, r.body)
	}
	if r := chatAs(t, h, a, "m"); r.status != http.StatusOK {
		t.Fatalf("first request: %d %s", r.status, r.body)
	}
	if r := chatAs(t, h, a, "m"); r.status != http.StatusTooManyRequests || strings.Contains(r.body, "team") {
		t.Fatalf("the key's own 1 rpm: %d %s", r.status, r.body)
	}
	if r := chatAs(t, h, b, "m"); r.status != http.StatusOK {
		t.Fatalf("the team's second request: %d %s", r.status, r.body)
	}
	r := chatAs(t, h, b, "m")
	if r.status != http.StatusTooManyRequests || !strings.Contains(r.body, "team limit") {
		t.Fatalf("the team's 2 rpm: %d %s", r.status, r.body)
	}
	w := pipeDo(t, h, "POST", "/v1/chat/completions", `{"model":"m","max_tokens":60,"messages":[{"role":"user","content":"x"}]}`,
		"Authorization", "Bearer "+b)
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "max_tokens") {
		t.Fatalf("max_tokens above the team's ceiling: %d %s", w.Code, w.Body.String())
	}
}

func TestManagedSpendCountsAgainstKeyAndTeam(t *testing.T) {
	h, gov := managedHandler(t, "")
	ctx := context.Background()
	// A team budget below one request's cost: the first request may use
	// the last of it, the next is refused.
	if _, err := gov.CreateTeam(ctx, "test", governance.TeamInput{Name: ptrTo("t2"),
		LimitsInput: governance.LimitsInput{BudgetUSD: ptrTo(0.00005), BudgetPeriod: ptrTo("24h")}}); err != nil {
		t.Fatal(err)
	}
	k, a := createKey(t, gov, governance.KeyInput{Team: ptrTo("t2"), LimitsInput: governance.LimitsInput{BudgetUSD: ptrTo(1.0)}})
	_, b := createKey(t, gov, governance.KeyInput{Team: ptrTo("t2")})
	if r := chatAs(t, h, a, "m"); r.status != http.StatusOK {
		t.Fatalf("first request: %d %s", r.status, r.body)
	}
	got, _ := gov.GetKey(ctx, k.ID)
	team, _ := gov.GetTeam(ctx, "t2")
	if got.SpendUSD < 0.00009 || team.SpendUSD != got.SpendUSD || got.LastUsedAt == nil {
		t.Fatalf("spend: key %v team %v, last used %v", got.SpendUSD, team.SpendUSD, got.LastUsedAt)
	}
	r := chatAs(t, h, b, "m")
	if r.status != http.StatusTooManyRequests || !strings.Contains(r.body, "insufficient_quota") ||
		!strings.Contains(r.body, "team") {
		t.Fatalf("the other key of a team over budget: %d %s", r.status, r.body)
	}
}

func TestAdminModuleServesManagedKeys(t *testing.T) {
	_, gov := managedHandler(t, "")
	a := Admin{managed: &adminGovernance{gov: gov}}
	patterns := map[string]bool{}
	for _, r := range a.Routes() {
		patterns[r.Pattern] = true
	}
	for _, p := range []string{"/ai_backends/client_keys", "/ai_backends/client_keys/", "/ai_backends/teams", "/ai_backends/teams/"} {
		if !patterns[p] {
			t.Fatalf("no admin route %s", p)
		}
	}
	w := pipeAdmin(t, a, "POST", "/ai_backends/client_keys", `{"label":"x"}`)
	if w.Code != http.StatusCreated || !strings.Contains(w.Body.String(), `"secret":"sk-aib-`) {
		t.Fatalf("create through the admin module: %d %s", w.Code, w.Body.String())
	}
	if err := (Admin{}).serveManaged(nil, nil); err == nil {
		t.Fatal("an unprovisioned admin module must refuse")
	}
}

// pipeAdmin calls the admin module's management handler as Caddy's admin
// endpoint would, answering an APIError with its status.
func pipeAdmin(t *testing.T, a Admin, method, path, body string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	w := httptest.NewRecorder()
	if err := a.serveManaged(w, r); err != nil {
		var ae caddy.APIError
		if !errors.As(err, &ae) {
			t.Fatalf("%v is not a caddy.APIError", err)
		}
		w.WriteHeader(ae.HTTPStatus)
		fmt.Fprintf(w, `{"error":%q}`, ae.Err.Error())
	}
	return w
}

func TestCaddyfileKeyWinsOverAManagedKeyWithItsSecret(t *testing.T) {
	up := newScriptedUpstream(t, always(http.StatusOK))
	core, logs := observer.New(zap.WarnLevel)
	gov, err := governance.New(context.Background(), &certmagic.FileStorage{Path: t.TempDir()},
		governance.Options{Rand: zeroRand{}, Logger: zap.New(core)})
	if err != nil {
		t.Fatal(err)
	}
	_, secret := createKey(t, gov, governance.KeyInput{}) // all models
	h := pipeHandler(t, fmt.Sprintf(`{"providers":[{"type":"openai_compatible","name":"up","base_url":%q,
		"models":["m","n"],"max_retries":0}],"managed_keys":true,"client_keys":[{"key":%q,"models":["m"]}]}`,
		up.URL+"/v1", secret), func(h *Handler) { h.gov = gov })
	if r := chatAs(t, h, secret, "n"); r.status != http.StatusForbidden {
		t.Fatalf("the Caddyfile key's allow-list must apply: %d %s", r.status, r.body)
	}
	if logs.FilterMessageSnippet("Caddyfile key wins").Len() == 0 {
		t.Fatal("the shadowed managed key was not logged")
	}
	if _, _, err := gov.CreateKey(context.Background(), "test", governance.KeyInput{}); err == nil {
		t.Fatal("created a managed key with a Caddyfile key's secret")
	}
}

// zeroRand makes every secret the same: 32 zero bytes.
type zeroRand struct{}

func (zeroRand) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestCaddyfileManagedKeys(t *testing.T) {
	h := caddyfileHandler(t, `ai_backends {
		provider demo sim {
			models sim-small
		}
		managed_keys
	}`)
	if !h.ManagedKeys {
		t.Fatal("managed_keys not set")
	}
	caddyfileRejects(t, map[string]string{"an argument": `ai_backends {
		managed_keys yes
	}`})
}

func TestManagedKeyLimitsAndSpendLiveInRedis(t *testing.T) {
	addr := startTestRedis(t)
	h, gov := managedHandler(t, fmt.Sprintf(`,"storage":{"redis":{"address":%q,"key_prefix":%q,"timeout":2000000000}}`,
		addr, t.Name()+":"))
	ctx := context.Background()
	if _, err := gov.CreateTeam(ctx, "test", governance.TeamInput{Name: ptrTo("r"),
		LimitsInput: governance.LimitsInput{RequestsPerMinute: ptrTo(1), BudgetUSD: ptrTo(1.0), BudgetPeriod: ptrTo("24h")}}); err != nil {
		t.Fatal(err)
	}
	k, a := createKey(t, gov, governance.KeyInput{Team: ptrTo("r"),
		LimitsInput: governance.LimitsInput{BudgetUSD: ptrTo(1.0), BudgetPeriod: ptrTo("24h")}})
	_, b := createKey(t, gov, governance.KeyInput{Team: ptrTo("r")})
	if r := chatAs(t, h, a, "m"); r.status != http.StatusOK {
		t.Fatalf("first request: %d %s", r.status, r.body)
	}
	if r := chatAs(t, h, b, "m"); r.status != http.StatusTooManyRequests || !strings.Contains(r.body, "team limit") {
		t.Fatalf("the team's shared 1 rpm: %d %s", r.status, r.body)
	}
	e := gov.Lookup(a, h.now())
	for name, fp := range map[string]string{"key": e.Key.Fingerprint(), "team": e.Team.Fingerprint()} {
		spent, err := h.shared.store.Spent(ctx, "budget:"+fp, 24*time.Hour)
		if err != nil || spent < 0.00009 {
			t.Fatalf("%s spend in Redis: %v %v", name, spent, err)
		}
	}
	if e.Key.Spent() != 0 || e.Team.Spent() != 0 {
		t.Fatal("the in-process limiters decided, not Redis")
	}
	if got, _ := gov.GetKey(ctx, k.ID); got.SpendUSD < 0.00009 {
		t.Fatalf("the API's spend does not come from Redis: %v", got.SpendUSD)
	}
}

// Two gateways (each with its own Governance, as two processes would
// have) on one storage: a key created through one is accepted by the
// other at its next poll, and refused there at the poll after revocation.
func TestTwoGatewaysOnOneStorage(t *testing.T) {
	dir := t.TempDir()
	open := func() (*Handler, *governance.Governance, chan time.Time) {
		gov, err := governance.New(context.Background(), &certmagic.FileStorage{Path: dir}, governance.Options{})
		if err != nil {
			t.Fatal(err)
		}
		tick := make(chan time.Time)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); gov.Run(ctx, tick) }()
		t.Cleanup(func() { cancel(); <-done })
		h := pipeHandler(t, `{"providers":[{"type":"sim","name":"s","models":["m"]}],"managed_keys":true}`,
			func(h *Handler) { h.gov = gov })
		return h, gov, tick
	}
	a, govA, _ := open()
	b, _, tickB := open()
	// Two ticks: the unbuffered channel takes the second only once Run
	// has handled the first, so the poll is over when poll returns.
	poll := func() { tickB <- time.Time{}; tickB <- time.Time{} }
	models := func(h *Handler, secret string) int {
		return pipeDo(t, h, "GET", "/v1/models", "", "Authorization", "Bearer "+secret).Code
	}

	k, secret := createKey(t, govA, governance.KeyInput{})
	if models(a, secret) != http.StatusOK || models(b, secret) != http.StatusUnauthorized {
		t.Fatal("before b polls, only a knows the key")
	}
	poll()
	if got := models(b, secret); got != http.StatusOK {
		t.Fatalf("b after one poll: %d", got)
	}
	if _, err := govA.RevokeKey(context.Background(), "test", k.ID); err != nil {
		t.Fatal(err)
	}
	if models(a, secret) != http.StatusUnauthorized {
		t.Fatal("a still accepts the key it revoked")
	}
	poll()
	if got := models(b, secret); got != http.StatusUnauthorized {
		t.Fatalf("b after the poll that follows revocation: %d", got)
	}
}

func TestAcquireGovernanceSharesOnePerStorage(t *testing.T) {
	st := &certmagic.FileStorage{Path: t.TempDir()}
	g1, release1, err := acquireGovernance(st)
	if err != nil {
		t.Fatal(err)
	}
	g2, release2, err := acquireGovernance(&certmagic.FileStorage{Path: st.Path})
	if err != nil {
		t.Fatal(err)
	}
	if g1 != g2 {
		t.Fatal("two users of one storage got two Governances")
	}
	release1()
	release1() // a second call is harmless
	release2()
	g3, release3, err := acquireGovernance(st)
	if err != nil {
		t.Fatal(err)
	}
	defer release3()
	if g3 == g1 {
		t.Fatal("the Governance outlived its last user")
	}
	if _, _, err := acquireGovernance(nil); err == nil {
		t.Fatal("no storage must be an error")
	}
}
