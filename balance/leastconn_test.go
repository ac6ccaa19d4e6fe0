package balance

import "testing"

func TestLeastConnectionsFollowsInFlight(t *testing.T) {
	p := &leastConnections{intN: seeded()}
	eps := endpoints(1, 1, 1)
	load := func(in ...int64) {
		for i, n := range in {
			for eps[i].InFlight() < n {
				eps[i].Acquire()
			}
			for eps[i].InFlight() > n {
				eps[i].Release()
			}
		}
	}
	tests := []struct {
		inFlight []int64
		want     int
	}{
		{[]int64{3, 1, 2}, 1},
		{[]int64{0, 1, 2}, 0},
		{[]int64{5, 5, 4}, 2},
		{[]int64{9, 0, 9}, 1},
	}
	for _, tt := range tests {
		load(tt.inFlight...)
		for range 20 {
			if got := p.Pick(eps); got != tt.want {
				t.Fatalf("in flight %v: picked %d, want %d", tt.inFlight, got, tt.want)
			}
		}
	}
}

// A gateway that acquires on every pick spreads load evenly: each pick
// goes to whichever endpoint is least busy at that moment.
func TestLeastConnectionsBalancesAcquiredRequests(t *testing.T) {
	p := &leastConnections{intN: seeded()}
	eps := endpoints(1, 1, 1, 1)
	for range 400 {
		eps[p.Pick(eps)].Acquire()
	}
	for i, e := range eps {
		if e.InFlight() != 100 {
			t.Errorf("endpoint %d has %d in flight, want 100", i, e.InFlight())
		}
	}
}

func TestLeastConnectionsBreaksTiesEvenly(t *testing.T) {
	eps := endpoints(1, 1, 1, 1)
	eps[3].Acquire() // not a tie: never chosen
	counts := countPicks(t, &leastConnections{intN: seeded()}, eps, 30000)
	checkShares(t, counts, []float64{1.0 / 3, 1.0 / 3, 1.0 / 3, 0}, 0.01)
}
