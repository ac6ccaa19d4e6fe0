// Package sat adds token counts and money without wrapping around.
//
// Token counts come from clients (max_tokens) and upstreams (usage) and
// are summed for limits and prices: an int64 sum that wraps turns a huge
// request into a negative, "free" one. Every addition of tokens or money in
// the gateway goes through these helpers, which stop at the type's bounds
// instead.
package sat

import "math"

// Add is a+b, clamped to [math.MinInt, math.MaxInt].
func Add(a, b int) int {
	s := a + b
	// Overflow happened iff both operands have the same sign and the
	// sum's sign differs from it.
	if (a >= 0) == (b >= 0) && (s >= 0) != (a >= 0) {
		if a >= 0 {
			return math.MaxInt
		}
		return math.MinInt
	}
	return s
}

// Sub is a-b, clamped like Add.
func Sub(a, b int) int {
	if b == math.MinInt {
		if a >= 0 {
			return math.MaxInt
		}
		return a - b // a < 0: a - MinInt = a + |MinInt| fits
	}
	return Add(a, -b)
}

// Count is n, with a negative count (a broken upstream report, an unset
// field) read as 0.
func Count(n int) int { return max(n, 0) }

// AddCounts is the sum of non-negative counts (negatives read as 0),
// saturating at math.MaxInt.
func AddCounts(ns ...int) int {
	s := 0
	for _, n := range ns {
		s = Add(s, Count(n))
	}
	return s
}

// USD is a cost fit to be added to a counter: negative, NaN and -Inf read
// as 0 and +Inf as the largest float64, so sums stay finite and ordered.
func USD(v float64) float64 {
	switch {
	case !(v > 0): // NaN, zero, negative
		return 0
	case v > math.MaxFloat64:
		return math.MaxFloat64
	}
	return v
}

// AddUSD is USD(a)+USD(b), never +Inf.
func AddUSD(a, b float64) float64 {
	return min(USD(a)+USD(b), math.MaxFloat64)
}

// Mul is a*b for counts (negatives read as 0), saturating at math.MaxInt.
func Mul(a, b int) int {
	a, b = Count(a), Count(b)
	if a == 0 || b == 0 {
		return 0
	}
	if a > math.MaxInt/b {
		return math.MaxInt
	}
	return a * b
}
