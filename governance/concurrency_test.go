package governance

import (
	"context"
	"sync"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/testclock"
)

// Requests look keys up and settle spend while keys are created, edited
// and flushed: no race (go test -race), and no spend is lost.
func TestRequestsDuringChangesAndFlushes(t *testing.T) {
	clock := testclock.At(epoch)
	g := newTestGov(t, "", clock)
	ctx := context.Background()
	if _, err := g.CreateTeam(ctx, "test", TeamInput{Name: ptr("t")}); err != nil {
		t.Fatal(err)
	}
	k, secret := mustCreate(t, g, KeyInput{Team: ptr("t"), LimitsInput: LimitsInput{BudgetUSD: ptr(1000.0)}})
	const workers, each = 4, 50
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				if e := g.Lookup(secret, clock.Now()); e != nil {
					settleLocally(e, 0.01)
				}
			}
		}()
	}
	for i := range 5 {
		if _, err := g.UpdateKey(ctx, "test", k.ID, KeyInput{LimitsInput: LimitsInput{RequestsPerMinute: ptr(1000 + i)}}); err != nil {
			t.Error(err)
		}
		mustCreate(t, g, KeyInput{})
		if err := g.Flush(ctx); err != nil {
			t.Error(err)
		}
		_ = g.ListTeams(ctx)
	}
	wg.Wait()
	if err := g.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got, _ := g.GetKey(ctx, k.ID)
	if want := float64(workers*each) * 0.01; got.SpendUSD < want-1e-9 || got.SpendUSD > want+1e-9 {
		t.Fatalf("spend %v after %d requests of $0.01, want %v", got.SpendUSD, workers*each, want)
	}
}
