package sat

import (
	"math"
	"testing"
)

func TestAdd(t *testing.T) {
	for _, c := range []struct{ a, b, want int }{
		{1, 2, 3},
		{-1, -2, -3},
		{math.MaxInt, 1, math.MaxInt},
		{math.MaxInt, math.MaxInt, math.MaxInt},
		{math.MinInt, -1, math.MinInt},
		{math.MinInt, math.MinInt, math.MinInt},
		{math.MaxInt, math.MinInt, -1},
		{100, math.MaxInt, math.MaxInt}, // the max_tokens overflow of issue 14
		{0, 0, 0},
	} {
		if got := Add(c.a, c.b); got != c.want {
			t.Errorf("Add(%d, %d) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := Add(c.b, c.a); got != c.want {
			t.Errorf("Add(%d, %d) = %d, want %d", c.b, c.a, got, c.want)
		}
	}
}

func TestSub(t *testing.T) {
	for _, c := range []struct{ a, b, want int }{
		{5, 3, 2},
		{math.MinInt, 1, math.MinInt},
		{math.MaxInt, -1, math.MaxInt},
		{0, math.MinInt, math.MaxInt},
		{-1, math.MinInt, math.MaxInt},
		{-5, -5, 0},
	} {
		if got := Sub(c.a, c.b); got != c.want {
			t.Errorf("Sub(%d, %d) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestAddCounts(t *testing.T) {
	if got := AddCounts(3, -7, 4); got != 7 {
		t.Errorf("AddCounts(3, -7, 4) = %d, want 7 (negatives read as 0)", got)
	}
	if got := AddCounts(math.MaxInt, math.MaxInt, 1); got != math.MaxInt {
		t.Errorf("AddCounts saturates: got %d", got)
	}
	if got := AddCounts(); got != 0 {
		t.Errorf("AddCounts() = %d", got)
	}
}

func TestUSD(t *testing.T) {
	for _, c := range []struct{ in, want float64 }{
		{0.5, 0.5}, {0, 0}, {-1, 0}, {math.NaN(), 0}, {math.Inf(-1), 0},
		{math.Inf(1), math.MaxFloat64},
	} {
		if got := USD(c.in); got != c.want {
			t.Errorf("USD(%v) = %v, want %v", c.in, got, c.want)
		}
	}
	if got := AddUSD(math.MaxFloat64, math.MaxFloat64); got != math.MaxFloat64 {
		t.Errorf("AddUSD saturates: got %v", got)
	}
	if got := AddUSD(0.25, math.NaN()); got != 0.25 {
		t.Errorf("AddUSD(0.25, NaN) = %v", got)
	}
}

func TestMul(t *testing.T) {
	for _, c := range []struct{ a, b, want int }{
		{3, 4, 12}, {0, math.MaxInt, 0}, {-3, 4, 0}, {math.MaxInt, 2, math.MaxInt}, {1 << 32, 1 << 32, math.MaxInt},
	} {
		if got := Mul(c.a, c.b); got != c.want {
			t.Errorf("Mul(%d, %d) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
