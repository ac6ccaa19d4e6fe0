package governance

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/internal/testclock"
	"github.com/sira-ai/caddy-ai-backends/security"
)

func TestCreateReturnsTheSecretOnceAndStoresOnlyItsHash(t *testing.T) {
	dir := t.TempDir()
	g := newTestGov(t, dir, testclock.At(epoch))
	k, secret := mustCreate(t, g, KeyInput{Label: ptr("ci"), Owner: ptr("ops"), Metadata: &map[string]string{"cost_center": "42"},
		LimitsInput: LimitsInput{Models: &[]string{"gpt-4o*"}}})
	if !strings.HasPrefix(secret, "sk-aib-") || k.Fingerprint != security.Fingerprint(secret) {
		t.Fatalf("secret %q, fingerprint %q", secret, k.Fingerprint)
	}
	if k.Hash != "" || k.Label != "ci" || k.Owner != "ops" || k.Metadata["cost_center"] != "42" {
		t.Fatalf("record %+v", k)
	}
	got, err := g.GetKey(context.Background(), k.ID)
	if err != nil || got.Fingerprint != k.Fingerprint {
		t.Fatalf("get: %+v %v", got, err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "ai_backends", "governance", "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), secret) || !strings.Contains(string(raw), k.Fingerprint) {
		t.Fatalf("stored state must hold the fingerprint and hash, never the secret: %s", raw)
	}
	status, body := adminDo(t, g, "GET", "/ai_backends/client_keys/"+k.ID, "")
	if status != 200 || strings.Contains(string(body), secret) || strings.Contains(string(body), `"hash"`) {
		t.Fatalf("GET shows the secret or hash: %d %s", status, body)
	}
	if e := g.Lookup(secret, epoch); e == nil || e.Key.Fingerprint() != k.Fingerprint || !e.Key.ModelAllowed("gpt-4o-mini") ||
		e.Key.ModelAllowed("claude") {
		t.Fatalf("lookup of the new secret: %+v", e)
	}
	if g.Lookup(secret+"x", epoch) != nil || g.Lookup("", epoch) != nil {
		t.Fatal("a wrong secret matched")
	}
}

func TestListIsPaginatedInCreationOrder(t *testing.T) {
	clock := testclock.At(epoch)
	g := newTestGov(t, "", clock)
	var ids []string
	for range 5 {
		k, _ := mustCreate(t, g, KeyInput{})
		ids = append(ids, k.ID)
		clock.Advance(time.Millisecond)
	}
	var got []string
	after := ""
	pages := 0
	for {
		keys, next := g.ListKeys(context.Background(), 2, after)
		pages++
		for _, k := range keys {
			got = append(got, k.ID)
		}
		if next == "" {
			break
		}
		after = next
	}
	if strings.Join(got, ",") != strings.Join(ids, ",") || pages != 3 {
		t.Fatalf("pages %d: %v, want %v", pages, got, ids)
	}
	status, body := adminDo(t, g, "GET", "/ai_backends/client_keys?limit=4", "")
	var page struct {
		Keys []Key `json:"keys"`
		Next string
	}
	decodeInto(t, body, &page)
	if status != 200 || len(page.Keys) != 4 || page.Next != ids[3] {
		t.Fatalf("GET page: %d %d next %q", status, len(page.Keys), page.Next)
	}
	if status, _ := adminDo(t, g, "GET", "/ai_backends/client_keys?limit=0", ""); status != 400 {
		t.Fatalf("limit=0: %d", status)
	}
}

func TestUpdateChangesLimitsAndKeepsSpend(t *testing.T) {
	g := newTestGov(t, "", testclock.At(epoch))
	k, secret := mustCreate(t, g, KeyInput{LimitsInput: LimitsInput{RequestsPerMinute: ptr(1), BudgetUSD: ptr(10.0), BudgetPeriod: ptr("720h")}})
	e := g.Lookup(secret, epoch)
	e.Key.Charge(0, 2.5)
	if d := e.Key.Admit(0); d != nil {
		t.Fatal(d)
	}
	if d := e.Key.Admit(0); d == nil {
		t.Fatal("the second request in a minute passed a 1 rpm limit")
	}
	up, err := g.UpdateKey(context.Background(), "test", k.ID, KeyInput{Label: ptr("renamed"),
		LimitsInput: LimitsInput{RequestsPerMinute: ptr(100)}})
	if err != nil {
		t.Fatal(err)
	}
	if up.Label != "renamed" || up.RequestsPerMinute != 100 || up.BudgetUSD != 10 || up.Rev != 2 || up.SpendUSD != 2.5 {
		t.Fatalf("updated: %+v", up)
	}
	if d := g.Lookup(secret, epoch).Key.Admit(0); d != nil {
		t.Fatalf("the raised limit does not apply: %v", d)
	}
	if _, err := g.UpdateKey(context.Background(), "test", k.ID, KeyInput{LimitsInput: LimitsInput{BudgetPeriod: ptr("monthly")}}); err == nil ||
		!strings.Contains(err.Error(), "budget_period") {
		t.Fatalf("a bad period: %v", err)
	}
}

func TestRevokedAndExpiredKeysStopWorking(t *testing.T) {
	g := newTestGov(t, "", testclock.At(epoch))
	k, secret := mustCreate(t, g, KeyInput{})
	status, body := adminDo(t, g, "DELETE", "/ai_backends/client_keys/"+k.ID, "")
	var got Key
	decodeInto(t, body, &got)
	if status != 200 || got.RevokedAt == nil || g.Lookup(secret, epoch) != nil {
		t.Fatalf("revoke: %d %s", status, body)
	}
	if status, _ := adminDo(t, g, "PATCH", "/ai_backends/client_keys/"+k.ID, `{"label":"x"}`); status != 409 {
		t.Fatalf("updating a revoked key: %d", status)
	}
	if _, err := g.GetKey(context.Background(), k.ID); err != nil {
		t.Fatalf("the record must stay after revocation: %v", err)
	}
	_, secret2 := mustCreate(t, g, KeyInput{ExpiresAt: ptr(epoch.Add(time.Hour).Format(time.RFC3339))})
	if g.Lookup(secret2, epoch) == nil || g.Lookup(secret2, epoch.Add(time.Hour)) != nil {
		t.Fatal("expires_at is not enforced")
	}
}

func TestTeamLimitsAndKeyLimitsBothHold(t *testing.T) {
	g := newTestGov(t, "", testclock.At(epoch))
	ctx := context.Background()
	if _, err := g.CreateTeam(ctx, "test", TeamInput{Name: ptr("research"),
		LimitsInput: LimitsInput{RequestsPerMinute: ptr(1), Models: &[]string{"gpt-4o"}, MaxTokens: ptr(50)}}); err != nil {
		t.Fatal(err)
	}
	_, a := mustCreate(t, g, KeyInput{Team: ptr("research"), LimitsInput: LimitsInput{RequestsPerMinute: ptr(10), MaxTokens: ptr(100)}})
	_, b := mustCreate(t, g, KeyInput{Team: ptr("research"), LimitsInput: LimitsInput{RequestsPerMinute: ptr(10)}})
	ea, eb := g.Lookup(a, epoch), g.Lookup(b, epoch)
	if ea.Team == nil || ea.Team != eb.Team {
		t.Fatal("keys of one team must share its limiter")
	}
	if ea.MaxTokens() != 50 || !ea.Team.ModelAllowed("gpt-4o") || ea.Team.ModelAllowed("gpt-4o-mini") {
		t.Fatalf("team limits: max %d", ea.MaxTokens())
	}
	if _, _, err := g.CreateKey(ctx, "test", KeyInput{Team: ptr("nope")}); err == nil || !strings.Contains(err.Error(), "team") {
		t.Fatalf("an unknown team: %v", err)
	}
	if err := g.DeleteTeam(ctx, "test", "research"); err == nil {
		t.Fatal("deleted a team with active keys")
	}
}

func TestShadowingACaddyfileKeyIsRefused(t *testing.T) {
	dir := t.TempDir()
	g := newTestGov(t, dir, testclock.At(epoch))
	_, secret := mustCreate(t, g, KeyInput{})
	// The operator later writes the same secret into the Caddyfile: the
	// Caddyfile key wins, the managed one leaves the index.
	h := security.HashKey(secret)
	g.Guard("caddyfile", func(x [32]byte) bool { return x == h })
	if g.Lookup(secret, epoch) != nil {
		t.Fatal("a managed key shadows a Caddyfile key")
	}
	g.Unguard("caddyfile") // a reload removed the Caddyfile key
	if g.Lookup(secret, epoch) == nil {
		t.Fatal("the managed key stays unusable after the Caddyfile key is gone")
	}

	// At create: a secret equal to a Caddyfile key is refused.
	g2, err := New(context.Background(), g.st, Options{Now: testclock.At(epoch).Now, Rand: zeroReader{}})
	if err != nil {
		t.Fatal(err)
	}
	// With a zero random source the next secret is 32 zero bytes, base64.
	want := security.HashKey("sk-aib-" + strings.Repeat("A", 43))
	g2.Guard("caddyfile", func(x [32]byte) bool { return x == want })
	if _, _, err := g2.CreateKey(context.Background(), "test", KeyInput{}); err == nil ||
		!strings.Contains(err.Error(), "Caddyfile") {
		t.Fatalf("create with a Caddyfile key's secret: %v", err)
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
