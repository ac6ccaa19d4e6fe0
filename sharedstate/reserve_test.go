package sharedstate

import (
	"math"
	"sync"
	"testing"
	"time"
)

// Issue 14, with Redis: 20 requests on two instances start together against
// a $0.50 budget, each estimated at $0.10 and really costing $0.12. The
// holds are shared, so only five are admitted and the overshoot is bounded
// by their estimate errors.
func TestReserveSpendBoundsConcurrentOvershootAcrossInstances(t *testing.T) {
	needRedis(t)
	clock := newFakeClock()
	a, b := twoInstances(t, clock)
	const (
		budget, estimate, actual = 0.5, 0.1, 0.12
		clients                  = 20
		day                      = 24 * time.Hour
	)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		admitted []SpendReservation
		stores   []*Store
		start    = make(chan struct{})
	)
	for i := range clients {
		s := [...]*Store{a, b}[i%2] // the instances take turns
		wg.Go(func() {
			<-start
			r, v, err := s.ReserveSpend(bg(), "c", day, budget, estimate, time.Minute)
			if err != nil {
				t.Error(err)
				return
			}
			if v.Allowed {
				mu.Lock()
				admitted, stores = append(admitted, r), append(stores, s)
				mu.Unlock()
			} else if v.UsedUp {
				t.Errorf("denied as used up with nothing spent: %+v", v)
			}
		})
	}
	close(start)
	wg.Wait() // every request decided before any settles
	if len(admitted) != 5 {
		t.Fatalf("%d of %d admitted, want 5", len(admitted), clients)
	}
	if got, err := a.Reserved(bg(), "c"); err != nil || math.Abs(got-0.5) > 1e-9 {
		t.Fatalf("Reserved = %v, %v; want 0.5", got, err)
	}
	for i, r := range admitted {
		if _, err := stores[i].AddSpend(bg(), "c", day, actual); err != nil {
			t.Fatal(err)
		}
		if err := stores[i].ReleaseSpend(bg(), r); err != nil {
			t.Fatal(err)
		}
	}
	spent, _ := a.Spent(bg(), "c", day)
	if bound := budget + 5*(actual-estimate); spent > bound+1e-9 {
		t.Fatalf("spent $%.4f, bound $%.4f", spent, bound)
	}
	if got, _ := b.Reserved(bg(), "c"); got != 0 {
		t.Fatalf("Reserved = %v after every request settled", got)
	}
	// $0.60 spent: the budget is used up now.
	if _, v, _ := b.ReserveSpend(bg(), "c", day, budget, estimate, time.Minute); v.Allowed || !v.UsedUp {
		t.Fatalf("after overspending: %+v, want used up", v)
	}
}

// With nothing held, one request may use the last of the budget even if
// its estimate is larger than what is left; a second waits for it.
func TestReserveSpendLastOfTheBudget(t *testing.T) {
	needRedis(t)
	s := newTestStore(t, shared, newFakeClock())
	if _, err := s.AddSpend(bg(), "c", 0, 0.95); err != nil {
		t.Fatal(err)
	}
	r, v, err := s.ReserveSpend(bg(), "c", 0, 1, 0.5, time.Minute)
	if err != nil || !v.Allowed || !r.Held() {
		t.Fatalf("first = %+v, %v", v, err)
	}
	if _, v, _ := s.ReserveSpend(bg(), "c", 0, 1, 0.01, time.Minute); v.Allowed || v.UsedUp || v.Reserved != 0.5 {
		t.Fatalf("second = %+v, want held by the first", v)
	}
	if err := s.ReleaseSpend(bg(), r); err != nil {
		t.Fatal(err)
	}
	if _, v, _ := s.ReserveSpend(bg(), "c", 0, 1, 0.01, time.Minute); !v.Allowed {
		t.Fatalf("after release = %+v", v)
	}
}

// A hold whose instance died (never released) expires at its deadline, so
// it cannot block the budget for good.
func TestReserveSpendHoldExpires(t *testing.T) {
	needRedis(t)
	clock := newFakeClock()
	s := newTestStore(t, shared, clock)
	if _, v, _ := s.ReserveSpend(bg(), "c", time.Hour, 1, 0.9, time.Minute); !v.Allowed {
		t.Fatal("first reservation denied")
	}
	if _, v, _ := s.ReserveSpend(bg(), "c", time.Hour, 1, 0.2, time.Minute); v.Allowed {
		t.Fatal("second admitted while 0.9 is held")
	}
	clock.Advance(time.Minute)
	if _, v, _ := s.ReserveSpend(bg(), "c", time.Hour, 1, 0.2, time.Minute); !v.Allowed || v.Reserved != 0 {
		t.Fatalf("after the hold's deadline: %+v", v)
	}
}

// No budget: nothing is asked of Redis and nothing is held.
func TestReserveSpendWithoutBudget(t *testing.T) {
	needRedis(t)
	s := newTestStore(t, shared, newFakeClock())
	r, v, err := s.ReserveSpend(bg(), "c", 0, 0, 1, time.Minute)
	if err != nil || !v.Allowed || r.Held() {
		t.Fatalf("= %+v %+v %v", r, v, err)
	}
	if err := s.ReleaseSpend(bg(), r); err != nil {
		t.Fatal(err)
	}
}
