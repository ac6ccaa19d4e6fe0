package balance

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestNames(t *testing.T) {
	want := []string{"round_robin", "weighted_round_robin", "least_connections", "p2c_ewma", "random"}
	if got := Names(); !slices.Equal(got, want) {
		t.Fatalf("Names() = %v, want %v", got, want)
	}
}

func TestNewKnownNames(t *testing.T) {
	for _, name := range Names() {
		a, err := New(name)
		if err != nil || a == nil {
			t.Fatalf("New(%q) = %v, %v", name, a, err)
		}
		if b, _ := New(name); a == b {
			t.Errorf("New(%q) returned a shared instance; each group needs its own state", name)
		}
	}
}

func TestNewUnknownNameListsValidOnes(t *testing.T) {
	_, err := New("fastest")
	if err == nil {
		t.Fatal("New(\"fastest\") succeeded")
	}
	for _, name := range append(Names(), `"fastest"`) {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error %q does not mention %s", err, name)
		}
	}
}

func TestPickEmptyAndSingle(t *testing.T) {
	for _, name := range Names() {
		p, _ := New(name)
		if got := p.Pick(nil); got != -1 {
			t.Errorf("%s: Pick(nil) = %d, want -1", name, got)
		}
		one := endpoints(3)
		for range 5 {
			if got := p.Pick(one); got != 0 {
				t.Errorf("%s: Pick of one endpoint = %d, want 0", name, got)
			}
		}
	}
}

func TestPickDoesNotAllocate(t *testing.T) {
	eps := endpoints(5, 1, 1, 2)
	for _, e := range eps {
		e.Observe(time.Millisecond, time.Now())
	}
	for _, name := range Names() {
		p, _ := New(name)
		if allocs := testing.AllocsPerRun(1000, func() { p.Pick(eps) }); allocs != 0 {
			t.Errorf("%s: Pick allocates %.1f times per call, want 0", name, allocs)
		}
	}
}
