package balance

import (
	"slices"
	"strings"
	"testing"
)

// Smooth weighted round robin interleaves: 5:1:1 never sends more than two
// requests in a row to a, and repeats the same 7-pick cycle exactly.
func TestWeightedSequenceIsSmooth(t *testing.T) {
	p := &weightedRoundRobin{}
	eps := endpoints(5, 1, 1)
	var seq strings.Builder
	for range 7000 {
		seq.WriteByte("abc"[p.Pick(eps)])
	}
	if want := strings.Repeat("aabacaa", 1000); seq.String() != want {
		t.Fatalf("sequence starts %q, want repetitions of %q", seq.String()[:21], "aabacaa")
	}
}

func TestWeightedCountsAreExact(t *testing.T) {
	tests := []struct {
		weights []int
		picks   int
		want    []int
	}{
		{[]int{5, 1, 1}, 7000, []int{5000, 1000, 1000}},
		{[]int{1, 1, 1}, 3000, []int{1000, 1000, 1000}},
		{[]int{3, 2}, 5000, []int{3000, 2000}},
		{[]int{0, -1, 2}, 4000, []int{1000, 1000, 2000}}, // weights <= 0 count as 1
		{[]int{100, 1}, 101, []int{100, 1}},
	}
	for _, tt := range tests {
		counts := countPicks(t, &weightedRoundRobin{}, endpoints(tt.weights...), tt.picks)
		if !slices.Equal(counts, tt.want) {
			t.Errorf("weights %v: counts %v, want %v", tt.weights, counts, tt.want)
		}
	}
}

// The position lives in the endpoints, so a subset that changes from pick
// to pick (breakers opening and closing) still gets its weights.
func TestWeightedWithChangingSubset(t *testing.T) {
	p := &weightedRoundRobin{}
	eps := endpoints(5, 1, 1)
	countPicks(t, p, eps, 3)       // leave the cycle half way
	countPicks(t, p, eps[:2], 601) // c unavailable for a while
	if got := countPicks(t, p, eps[:2], 6000); !slices.Equal(got, []int{5000, 1000}) {
		t.Fatalf("a,b only: counts %v, want [5000 1000]", got)
	}
	counts := countPicks(t, p, eps, 7000)
	for i, want := range []int{5000, 1000, 1000} {
		if d := counts[i] - want; d < -7 || d > 7 {
			t.Errorf("after c returned: counts %v, want within one cycle of [5000 1000 1000]", counts)
			break
		}
	}
}

func TestWeightedFollowsWeightChanges(t *testing.T) {
	p := &weightedRoundRobin{}
	eps := endpoints(1, 1)
	countPicks(t, p, eps, 2)
	eps[0].SetWeight(3)
	if got := countPicks(t, p, eps, 4000); !slices.Equal(got, []int{3000, 1000}) {
		t.Fatalf("counts %v, want [3000 1000]", got)
	}
}
