package routing

import (
	"math"
	"strconv"
	"time"
)

// notes builds the reasoning lines of a Decision with a fixed number of
// allocations: the text goes into one byte buffer (on the stack while it is
// small), and lines() converts it to one string and slices the lines out
// of it.
type notes struct {
	buf    []byte
	ends   []int
	bufArr [512]byte
	endArr [8]int
}

func (n *notes) init() {
	n.buf = n.bufArr[:0]
	n.ends = n.endArr[:0]
}

func (n *notes) add(s string) *notes {
	n.buf = append(n.buf, s...)
	return n
}

// end closes the current line.
func (n *notes) end() { n.ends = append(n.ends, len(n.buf)) }

func (n *notes) int(v int) *notes {
	n.buf = strconv.AppendInt(n.buf, int64(v), 10)
	return n
}

// num writes v with the given number of decimals.
func (n *notes) num(v float64, decimals int) *notes {
	n.buf = strconv.AppendFloat(n.buf, v, 'f', decimals, 64)
	return n
}

// usd writes a dollar amount with three significant digits, without
// exponents: $0.000120, $0.0110, $1.20.
func (n *notes) usd(v float64) *notes {
	n.buf = append(n.buf, '$')
	if v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		n.buf = append(n.buf, '0')
		return n
	}
	decimals := 2
	for x := v; x < 1 && decimals < 12; x *= 10 {
		decimals++
	}
	return n.num(v, decimals)
}

// ms writes a duration in milliseconds: 420ms, 3.5ms.
func (n *notes) ms(d time.Duration) *notes {
	if d < 10*time.Millisecond {
		n.num(float64(d)/float64(time.Millisecond), 1)
	} else {
		n.int(int(d.Milliseconds()))
	}
	return n.add("ms")
}

// pct writes a ratio 0..1 as a percentage with one decimal: 99.8%.
func (n *notes) pct(v float64) *notes {
	return n.num(v*100, 1).add("%")
}

// lines returns the finished lines; an unterminated last line counts.
func (n *notes) lines() []string {
	if len(n.buf) > 0 && (len(n.ends) == 0 || n.ends[len(n.ends)-1] != len(n.buf)) {
		n.end()
	}
	if len(n.ends) == 0 {
		return nil
	}
	all := string(n.buf)
	out := make([]string, len(n.ends))
	start := 0
	for i, e := range n.ends {
		out[i] = all[start:e]
		start = e
	}
	return out
}

// clip shortens s to at most n bytes, for client-supplied strings in
// reasoning lines.
func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
