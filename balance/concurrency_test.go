package balance

import (
	"sync"
	"testing"
	"time"
)

// Every policy, as built by New, is used from many goroutines while the
// endpoints change underneath it, so the race detector sees every path.
func TestConcurrentPicks(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			p, err := New(name)
			if err != nil {
				t.Fatal(err)
			}
			eps := endpoints(5, 1, 1, 3)
			var wg sync.WaitGroup
			for w := range 8 {
				wg.Go(func() {
					for i := range 2000 {
						// Alternate between the full list and a subset,
						// as breakers opening and closing would.
						cands := eps
						if (w+i)%3 == 0 {
							cands = eps[1:]
						}
						k := p.Pick(cands)
						if k < 0 || k >= len(cands) {
							t.Errorf("Pick returned %d for %d endpoints", k, len(cands))
							return
						}
						e := cands[k]
						e.Acquire()
						e.Observe(time.Duration(k+1)*time.Millisecond, time.Now())
						e.Release()
					}
				})
			}
			wg.Go(func() {
				for i := range 2000 {
					eps[i%len(eps)].SetWeight(1 + i%5)
					_ = eps[i%len(eps)].Latency(time.Now())
				}
			})
			wg.Wait()
			for i, e := range eps {
				if e.InFlight() != 0 {
					t.Errorf("endpoint %d: %d in flight after every request ended", i, e.InFlight())
				}
			}
		})
	}
}

// Two weighted policies sharing endpoints, as an old and a new
// configuration do for a moment during a reload, must not race.
func TestWeightedPoliciesSharingEndpoints(t *testing.T) {
	eps := endpoints(2, 1)
	var wg sync.WaitGroup
	for range 2 {
		p := &weightedRoundRobin{}
		wg.Go(func() { countPicks(t, p, eps, 2000) })
	}
	wg.Wait()
}
