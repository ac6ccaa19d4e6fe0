package governance

import (
	"context"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/caddyserver/certmagic"

	"github.com/sira-ai/caddy-ai-backends/internal/testclock"
)

func TestAdminAPIKeysAndTeams(t *testing.T) {
	core, logs := observer.New(zap.InfoLevel)
	g, err := New(context.Background(), &certmagic.FileStorage{Path: t.TempDir()},
		Options{Now: testclock.At(epoch).Now, Audit: zap.New(core)})
	if err != nil {
		t.Fatal(err)
	}
	status, body := adminDo(t, g, "POST", "/ai_backends/teams",
		`{"name":"search","models":["gpt-4o*"],"requests_per_minute":60,"budget_usd":50,"budget_period":"720h","max_tokens":1000}`)
	var team Team
	decodeInto(t, body, &team)
	if status != 201 || team.Name != "search" || team.BudgetUSD != 50 || team.BudgetPeriod != "720h" {
		t.Fatalf("create team: %d %s", status, body)
	}
	status, body = adminDo(t, g, "POST", "/ai_backends/client_keys",
		`{"label":"indexer","owner":"ana","metadata":{"ticket":"OPS-1"},"team":"search","models":["gpt-4o-mini"],`+
			`"requests_per_minute":10,"tokens_per_minute":1000,"budget_usd":5,"budget_period":"24h","max_tokens":200,`+
			`"expires_at":"2031-01-01T00:00:00Z"}`)
	var created struct {
		Key    Key    `json:"key"`
		Secret string `json:"secret"`
	}
	decodeInto(t, body, &created)
	if status != 201 || created.Secret == "" || created.Key.Team != "search" || created.Key.ExpiresAt == nil ||
		created.Key.TokensPerMinute != 1000 || created.Key.Metadata["ticket"] != "OPS-1" {
		t.Fatalf("create key: %d %s", status, body)
	}
	status, body = adminDo(t, g, "PATCH", "/ai_backends/teams/search", `{"requests_per_minute":120}`)
	decodeInto(t, body, &team)
	if status != 200 || team.RequestsPerMinute != 120 || team.BudgetUSD != 50 {
		t.Fatalf("update team: %d %s", status, body)
	}
	status, body = adminDo(t, g, "GET", "/ai_backends/teams", "")
	if status != 200 || !strings.Contains(string(body), `"spend_usd":0`) {
		t.Fatalf("list teams: %d %s", status, body)
	}
	if status, _ := adminDo(t, g, "DELETE", "/ai_backends/teams/search", ""); status != 409 {
		t.Fatalf("deleting a team with keys: %d", status)
	}
	adminDo(t, g, "DELETE", "/ai_backends/client_keys/"+created.Key.ID, "")
	if status, _ := adminDo(t, g, "DELETE", "/ai_backends/teams/search", ""); status != 200 {
		t.Fatalf("deleting an empty team: %d", status)
	}
	if status, _ := adminDo(t, g, "GET", "/ai_backends/teams/search", ""); status != 404 {
		t.Fatalf("a deleted team: %d", status)
	}

	var actions []string
	for _, e := range logs.All() {
		if e.Message != AuditMessage {
			continue
		}
		f := e.ContextMap()
		actions = append(actions, f["action"].(string))
		if f["who"] == "" {
			t.Fatalf("an entry without who: %v", f)
		}
		if strings.HasPrefix(f["action"].(string), "key.") && f["client_key"] != created.Key.Fingerprint {
			t.Fatalf("key entry without the fingerprint: %v", f)
		}
		for _, v := range f {
			if s, ok := v.(string); ok && strings.Contains(s, created.Secret) {
				t.Fatal("the secret reached the audit log")
			}
		}
	}
	if got := strings.Join(actions, ","); got != "team.create,key.create,team.update,key.revoke,team.delete" {
		t.Fatalf("audited actions: %s", got)
	}
}

func TestAdminAPIRefusesBadInputNamingTheField(t *testing.T) {
	g := newTestGov(t, "", testclock.At(epoch))
	for _, tc := range []struct{ method, path, body, want string }{
		{"POST", "/ai_backends/client_keys", `{"lable":"x"}`, "lable"},
		{"POST", "/ai_backends/client_keys", `{"requests_per_minute":"ten"}`, "requests_per_minute"},
		{"POST", "/ai_backends/client_keys", `{"requests_per_minute":-1}`, "requests_per_minute"},
		{"POST", "/ai_backends/client_keys", `{"budget_usd":-1}`, "budget_usd"},
		{"POST", "/ai_backends/client_keys", `{"budget_period":"a month"}`, "budget_period"},
		{"POST", "/ai_backends/client_keys", `{"expires_at":"tomorrow"}`, "expires_at"},
		{"POST", "/ai_backends/client_keys", `{"models":["gpt-*-mini"]}`, "models"},
		{"POST", "/ai_backends/client_keys", `{"label":"a\u0000b"}`, "label"},
		{"POST", "/ai_backends/client_keys", ``, "JSON body"},
		{"POST", "/ai_backends/teams", `{"models":[]}`, "name"},
		{"POST", "/ai_backends/teams", `{"name":"a/b"}`, "name"},
	} {
		status, body := adminDo(t, g, tc.method, tc.path, tc.body)
		if status != 400 || !strings.Contains(string(body), tc.want) {
			t.Errorf("%s %s: %d %s, want 400 naming %s", tc.method, tc.body, status, body, tc.want)
		}
	}
	for _, tc := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/ai_backends/client_keys/key_nope", 404},
		{"GET", "/ai_backends/client_keys/other", 404},
		{"PUT", "/ai_backends/client_keys", 405},
		{"POST", "/ai_backends/client_keys/key_x", 405},
		{"GET", "/ai_backends/nothing", 404},
	} {
		if status, body := adminDo(t, g, tc.method, tc.path, ""); status != tc.want {
			t.Errorf("%s %s: %d %s, want %d", tc.method, tc.path, status, body, tc.want)
		}
	}
}
