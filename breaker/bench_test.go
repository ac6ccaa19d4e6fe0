package breaker

import "testing"

func BenchmarkAllowSuccess(b *testing.B) {
	br := New(Config{}, nil)
	b.ReportAllocs()
	for b.Loop() {
		if br.Allow() {
			br.Success()
		}
	}
}

func BenchmarkAllowSuccessParallel(b *testing.B) {
	br := New(Config{}, nil)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if br.Allow() {
				br.Success()
			}
		}
	})
}

func BenchmarkGeneration(b *testing.B) {
	br := New(Config{}, nil)
	for b.Loop() {
		_ = br.Generation()
	}
}
