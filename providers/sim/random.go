package sim

import (
	"sync/atomic"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// golden is SplitMix64's increment (2^64 divided by the golden ratio).
const golden = 0x9e3779b97f4a7c15

// mix64 is SplitMix64's finaliser: a fast bijective scramble of 64 bits.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// randSource draws failures and jitter. It is SplitMix64 over an atomic
// counter, so concurrent calls never wait on a lock (the simulator is the
// upstream of load tests) and a fixed seed replays the same draws.
type randSource struct{ state atomic.Uint64 }

func (r *randSource) uint64() uint64 { return mix64(r.state.Add(golden)) }

// float64 returns a draw in [0, 1).
func (r *randSource) float64() float64 { return float64(r.uint64()>>11) / (1 << 53) }

// sequence is a plain SplitMix64 stream for the deterministic parts of an
// answer (words, vectors, colours), seeded from the request.
type sequence uint64

func (s *sequence) next() uint64 {
	*s += golden
	return mix64(uint64(*s))
}

// below returns a number in [0, n); n must be positive.
func (s *sequence) below(n int) int { return int(s.next() % uint64(n)) }

// hasher is a small non-cryptographic streaming hash over strings. It
// reads eight bytes at a time and never allocates, so hashing a prompt is
// cheap next to answering it.
type hasher struct{ h uint64 }

func newHasher() hasher { return hasher{h: 0x243f6a8885a308d3} }

func (h *hasher) str(s string) {
	for len(s) >= 8 {
		v := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
		h.h = mix64(h.h ^ v)
		s = s[8:]
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		v |= uint64(s[i]) << (8 * i)
	}
	// The tail length in the top byte separates "ab"+"c" from "a"+"bc".
	h.h = mix64(h.h ^ v ^ uint64(len(s)+1)<<56)
}

func (h *hasher) u64(v uint64) { h.h = mix64(h.h ^ mix64(v+golden)) }

func (h *hasher) sum() uint64 { return h.h }

// requestSeed hashes what the model would see: the model name and every
// message, so the same conversation always gets the same answer.
func requestSeed(model string, msgs []providers.Message) uint64 {
	h := newHasher()
	h.str(model)
	for i := range msgs {
		m := &msgs[i]
		h.str(m.Role)
		h.str(m.Name)
		if m.Content.Parts == nil {
			h.str(m.Content.Text)
		}
		for j := range m.Content.Parts {
			part := &m.Content.Parts[j]
			h.str(part.Type)
			h.str(part.Text)
			if part.ImageURL != nil {
				h.str(part.ImageURL.URL)
			}
		}
		for j := range m.ToolCalls {
			h.str(m.ToolCalls[j].Function.Name)
			h.str(m.ToolCalls[j].Function.Arguments)
		}
		h.str(m.ToolCallID)
		h.u64(uint64(i))
	}
	return h.sum()
}
