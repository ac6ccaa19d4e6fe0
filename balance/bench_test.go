package balance

import (
	"testing"
	"time"
)

// benchEndpoints is a realistic pool: a handful of deployments with mixed
// weights, some load and latency history.
func benchEndpoints() []*Endpoint {
	eps := endpoints(5, 1, 1, 2, 3, 1, 1, 4)
	now := time.Now()
	for i, e := range eps {
		e.Observe(time.Duration(i+1)*10*time.Millisecond, now)
		for range i % 3 {
			e.Acquire()
		}
	}
	return eps
}

func BenchmarkPick(b *testing.B) {
	benchPolicies(b, func(b *testing.B, p Policy, eps []*Endpoint) {
		for b.Loop() {
			p.Pick(eps)
		}
	})
}

func BenchmarkPickParallel(b *testing.B) {
	benchPolicies(b, func(b *testing.B, p Policy, eps []*Endpoint) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				p.Pick(eps)
			}
		})
	})
}

// benchPolicies runs bench under every policy, each with its own instance
// and pool.
func benchPolicies(b *testing.B, bench func(b *testing.B, p Policy, eps []*Endpoint)) {
	for _, name := range Names() {
		b.Run(name, func(b *testing.B) {
			p, _ := New(name)
			eps := benchEndpoints()
			b.ReportAllocs()
			bench(b, p, eps)
		})
	}
}

func BenchmarkObserve(b *testing.B) {
	e := NewEndpoint(1)
	now := time.Now()
	for b.Loop() {
		now = now.Add(time.Millisecond)
		e.Observe(20*time.Millisecond, now)
	}
}
