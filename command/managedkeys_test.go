package command

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/certmagic"

	"github.com/sira-ai/caddy-ai-backends/governance"
)

// fakeAdmin serves the management API as Caddy's admin endpoint would
// (errors as {"error": ...}) and returns its address.
func fakeAdmin(t *testing.T) (string, *governance.Governance) {
	t.Helper()
	g, err := governance.New(context.Background(), &certmagic.FileStorage{Path: t.TempDir()}, governance.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := g.ServeAdmin(w, r); err != nil {
			var ae caddy.APIError
			errors.As(err, &ae)
			w.WriteHeader(ae.HTTPStatus)
			_ = json.NewEncoder(w).Encode(map[string]string{"error": ae.Err.Error()})
		}
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://"), g
}

func TestKeysCreateListRevoke(t *testing.T) {
	addr, g := fakeAdmin(t)
	out, err := inProcess("", "keys", "create", "--admin", addr, "--label", "ci", "--model", "gpt-4o,gpt-4o-mini",
		"--requests-per-minute", "60", "--budget-usd", "12.5", "--budget-period", "720h", "--metadata", "ticket=OPS-7")
	if err != nil {
		t.Fatal(err)
	}
	var created struct {
		Key    governance.Key `json:"key"`
		Secret string         `json:"secret"`
	}
	if err := json.Unmarshal([]byte(out), &created); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	k := created.Key
	if created.Secret == "" || k.Label != "ci" || len(k.Models) != 2 || k.RequestsPerMinute != 60 ||
		k.BudgetUSD != 12.5 || k.BudgetPeriod != "720h" || k.Metadata["ticket"] != "OPS-7" {
		t.Fatalf("created: %s", out)
	}
	if g.Lookup(created.Secret, k.CreatedAt) == nil {
		t.Fatal("the printed secret does not work")
	}
	t.Setenv("CADDY_ADMIN", addr) // the address from the environment this time
	out, err = inProcess("", "keys", "list")
	if err != nil || !strings.Contains(out, k.ID) || !strings.Contains(out, k.Fingerprint) || !strings.Contains(out, "12.50") ||
		strings.Contains(out, created.Secret) {
		t.Fatalf("list: %v\n%s", err, out)
	}
	out, err = inProcess("", "keys", "revoke", k.ID)
	if err != nil || !strings.Contains(out, "revoked "+k.ID) {
		t.Fatalf("revoke: %v %s", err, out)
	}
	if g.Lookup(created.Secret, k.CreatedAt) != nil {
		t.Fatal("the revoked key still works")
	}
	out, err = inProcess("", "keys", "list", "--json")
	if err != nil || !strings.Contains(out, `"revoked_at"`) {
		t.Fatalf("list --json: %v %s", err, out)
	}
}

func TestKeysListFollowsPages(t *testing.T) {
	addr, g := fakeAdmin(t)
	for i := range 3 {
		if _, _, err := g.CreateKey(context.Background(), "test", governance.KeyInput{Label: ptr(fmt.Sprint("k", i))}); err != nil {
			t.Fatal(err)
		}
	}
	out, err := inProcess("", "keys", "list", "--admin", addr, "--limit", "2")
	if err != nil || strings.Count(out, "key_") != 3 || !strings.Contains(out, "more: --after") { // 2 rows + the hint
		t.Fatalf("one page: %v\n%s", err, out)
	}
	out, err = inProcess("", "keys", "list", "--admin", addr, "--limit", "2", "--all")
	if err != nil || strings.Count(out, "key_") != 3 || strings.Contains(out, "more:") {
		t.Fatalf("--all: %v\n%s", err, out)
	}
}

func TestKeysCommandErrors(t *testing.T) {
	addr, _ := fakeAdmin(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"keys", "create", "--admin", addr, "--budget-period", "monthly"}, "budget_period"},
		{[]string{"keys", "create", "--admin", addr, "--metadata", "novalue"}, "name=value"},
		{[]string{"keys", "revoke", "--admin", addr, "key_missing"}, "404"},
		{[]string{"keys", "revoke", "--admin", addr, "sk-live-secret"}, "not shown"},
		{[]string{"keys", "list", "--admin", "127.0.0.1:1"}, "performing request"},
	} {
		_, err := inProcess("", c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.args, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "sk-live-secret") {
			t.Errorf("%v: the argument was echoed", c.args)
		}
	}
}

func ptr[T any](v T) *T { return &v }
