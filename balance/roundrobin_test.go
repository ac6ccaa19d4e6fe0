package balance

import (
	"slices"
	"testing"
)

func TestRoundRobinTakesTurns(t *testing.T) {
	p := &roundRobin{}
	eps := endpoints(1, 1, 1)
	var got []int
	for range 7 {
		got = append(got, p.Pick(eps))
	}
	if want := []int{0, 1, 2, 0, 1, 2, 0}; !slices.Equal(got, want) {
		t.Fatalf("sequence %v, want %v", got, want)
	}
}

func TestRoundRobinIsExactlyEven(t *testing.T) {
	counts := countPicks(t, &roundRobin{}, endpoints(1, 9, 1, 1), 4000)
	if want := []int{1000, 1000, 1000, 1000}; !slices.Equal(counts, want) {
		t.Fatalf("counts %v, want %v (weights are ignored)", counts, want)
	}
}

func TestRoundRobinSurvivesShrinkingList(t *testing.T) {
	p := &roundRobin{}
	eps := endpoints(1, 1, 1, 1, 1)
	for n := len(eps); n > 0; n-- {
		countPicks(t, p, eps[:n], 13) // fails on an out-of-range index
	}
}
