package balance

import "testing"

func TestEndpointWeight(t *testing.T) {
	for w, want := range map[int]int{-3: 1, 0: 1, 1: 1, 7: 7} {
		if got := NewEndpoint(w).Weight(); got != want {
			t.Errorf("NewEndpoint(%d).Weight() = %d, want %d", w, got, want)
		}
	}
	e := NewEndpoint(2)
	e.SetWeight(9)
	if e.Weight() != 9 {
		t.Errorf("after SetWeight(9) weight = %d", e.Weight())
	}
	e.SetWeight(0)
	if e.Weight() != 1 {
		t.Errorf("after SetWeight(0) weight = %d, want 1", e.Weight())
	}
	var zero Endpoint
	if zero.Weight() != 1 {
		t.Errorf("zero Endpoint weight = %d, want 1", zero.Weight())
	}
}

func TestEndpointInFlight(t *testing.T) {
	e := NewEndpoint(1)
	e.Acquire()
	e.Acquire()
	e.Acquire()
	e.Release()
	if got := e.InFlight(); got != 2 {
		t.Fatalf("in flight = %d, want 2", got)
	}
}
