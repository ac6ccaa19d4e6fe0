package governance

import (
	"context"
	"testing"
	"time"

	"github.com/caddyserver/certmagic"

	"github.com/sira-ai/caddy-ai-backends/internal/testclock"
)

func TestRecordsAndSpendSurviveARestart(t *testing.T) {
	dir := t.TempDir()
	clock := testclock.At(epoch)
	g := newTestGov(t, dir, clock)
	ctx := context.Background()
	if _, err := g.CreateTeam(ctx, "test", TeamInput{Name: ptr("ml"),
		LimitsInput: LimitsInput{BudgetUSD: ptr(100.0), BudgetPeriod: ptr("720h")}}); err != nil {
		t.Fatal(err)
	}
	k, secret := mustCreate(t, g, KeyInput{Team: ptr("ml"), LimitsInput: LimitsInput{BudgetUSD: ptr(5.0), BudgetPeriod: ptr("24h")}})
	e := g.Lookup(secret, epoch)
	settleLocally(e, 1.25)
	if err := g.Flush(ctx); err != nil {
		t.Fatal(err)
	}

	// A new process (or a reload that dropped the pooled state) on the
	// same storage: the key works and the budget did not reset.
	clock.Advance(time.Minute)
	g2 := newTestGov(t, dir, clock)
	if v, _ := g2.GetKey(ctx, k.ID); v.LastUsedAt == nil || !v.LastUsedAt.Equal(epoch) {
		t.Fatalf("last use after restart: %v, want %v", v.LastUsedAt, epoch)
	}
	e2 := g2.Lookup(secret, clock.Now())
	if e2 == nil || e2.Team == nil {
		t.Fatal("the key or its team did not survive the restart")
	}
	if got := e2.Key.Spent(); got != 1.25 {
		t.Fatalf("key spend after restart: %v, want 1.25", got)
	}
	if got := e2.Team.Spent(); got != 1.25 {
		t.Fatalf("team spend after restart: %v, want 1.25", got)
	}
	v, _ := g2.GetKey(ctx, k.ID)
	if v.SpendUSD != 1.25 || v.LastUsedAt == nil || !v.LastUsedAt.Equal(clock.Now()) {
		t.Fatalf("record after restart: spend %v last used %v", v.SpendUSD, v.LastUsedAt)
	}

	// A new budget period starts from nothing.
	clock.Advance(24 * time.Hour)
	g3 := newTestGov(t, dir, clock)
	if got := g3.Lookup(secret, clock.Now()).Key.Spent(); got != 0 {
		t.Fatalf("spend in the next period: %v", got)
	}
}

// settleLocally is what the handler does for a request the in-process
// limiters admitted: release both holds and note the spend.
func settleLocally(e *Entry, usd float64) {
	r, _ := e.Key.Reserve(1, usd)
	e.Key.Release(r, 1, usd)
	e.SettledLocally(usd, false)
	if e.Team != nil {
		tr, _ := e.Team.Reserve(1, usd)
		e.Team.Release(tr, 1, usd)
		e.SettledLocally(usd, true)
	}
}

// Two gateways on one storage: a change on one reaches the other at its
// next poll, which Run does every PollInterval (a tick here).
func TestChangesReachAnotherInstanceAtItsNextPoll(t *testing.T) {
	dir := t.TempDir()
	clock := testclock.At(epoch)
	a, b := newTestGov(t, dir, clock), newTestGov(t, dir, clock)
	ctx, cancel := context.WithCancel(context.Background())
	tick := make(chan time.Time)
	done := make(chan struct{})
	go func() { defer close(done); b.Run(ctx, tick) }()
	defer func() { cancel(); <-done }()
	// poll sends one tick and then a second: the unbuffered channel only
	// takes it once Run has finished handling the first.
	poll := func() { tick <- clock.Now(); tick <- clock.Now() }

	k, secret := mustCreate(t, a, KeyInput{})
	if b.Lookup(secret, epoch) != nil {
		t.Fatal("b saw the key before polling")
	}
	poll()
	if b.Lookup(secret, epoch) == nil {
		t.Fatal("a key created on a is unknown to b after one poll")
	}
	if _, err := a.RevokeKey(context.Background(), "test", k.ID); err != nil {
		t.Fatal(err)
	}
	poll()
	if b.Lookup(secret, epoch) != nil {
		t.Fatal("a key revoked on a still works on b after one poll")
	}
	if a.opts.PollInterval != DefaultPollInterval || DefaultPollInterval > 5*time.Second {
		t.Fatalf("poll interval %v: changes must reach every instance within a few seconds", a.opts.PollInterval)
	}
}

func TestInstancesAddUpEachOthersSpend(t *testing.T) {
	dir := t.TempDir()
	clock := testclock.At(epoch)
	a, b := newTestGov(t, dir, clock), newTestGov(t, dir, clock)
	_, secret := mustCreate(t, a, KeyInput{LimitsInput: LimitsInput{BudgetUSD: ptr(10.0), BudgetPeriod: ptr("720h")}})
	if _, err := b.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	settleLocally(a.Lookup(secret, epoch), 2)
	settleLocally(b.Lookup(secret, epoch), 3)
	for _, g := range []*Governance{a, b, a} {
		if err := g.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if sa, sb := a.Lookup(secret, epoch).Key.Spent(), b.Lookup(secret, epoch).Key.Spent(); sa != 5 || sb != 5 {
		t.Fatalf("spend seen by a %v and b %v, want 5 on both", sa, sb)
	}
}

// b has not yet polled when it writes its spend: a's row for the key b
// does not know yet must survive.
func TestFlushKeepsRowsOfKeysItDoesNotKnowYet(t *testing.T) {
	dir := t.TempDir()
	clock := testclock.At(epoch)
	a, b := newTestGov(t, dir, clock), newTestGov(t, dir, clock)
	_, secret := mustCreate(t, a, KeyInput{})
	settleLocally(a.Lookup(secret, epoch), 0.75)
	if err := a.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := b.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := newTestGov(t, dir, clock).Lookup(secret, epoch).Key.Spent(); got != 0.75 {
		t.Fatalf("spend after another instance's flush: %v, want 0.75", got)
	}
}

func TestRunWritesSpendWhenStopped(t *testing.T) {
	dir := t.TempDir()
	clock := testclock.At(epoch)
	g := newTestGov(t, dir, clock)
	_, secret := mustCreate(t, g, KeyInput{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); g.Run(ctx, make(chan time.Time)) }()
	settleLocally(g.Lookup(secret, epoch), 0.5)
	cancel()
	<-done
	if got := newTestGov(t, dir, clock).Lookup(secret, epoch).Key.Spent(); got != 0.5 {
		t.Fatalf("spend written at shutdown: %v", got)
	}
}

// countingStorage counts writes of the spend document.
type countingStorage struct {
	certmagic.Storage
	spendWrites int
}

func (s *countingStorage) Store(ctx context.Context, key string, value []byte) error {
	if key == spendKey {
		s.spendWrites++
	}
	return s.Storage.Store(ctx, key, value)
}

func TestIdleFlushDoesNotWrite(t *testing.T) {
	st := &countingStorage{Storage: tempStorage(t)}
	g, err := New(context.Background(), st, Options{Now: testclock.At(epoch).Now})
	if err != nil {
		t.Fatal(err)
	}
	_, secret := mustCreate(t, g, KeyInput{})
	for range 3 {
		if err := g.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if st.spendWrites != 1 {
		t.Fatalf("%d writes for one new key and no spend, want 1", st.spendWrites)
	}
	settleLocally(g.Lookup(secret, epoch), 0.1)
	if err := g.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st.spendWrites != 2 {
		t.Fatalf("%d writes after a request, want 2", st.spendWrites)
	}
}
