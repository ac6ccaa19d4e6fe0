package main

import "time"

// outcomeStats mirrors the handler's statistics (outcomeStats in the root
// package's state.go): success ratio and latency as exponentially weighted
// moving averages with alpha 0.1, latency and time to first token recorded
// on success only. It is a copy rather than an import because the root
// package is the Caddy module; keep the two in step.
type outcomeStats struct {
	// successAlpha is the smoothing of the success EWMA: statsAlpha as in
	// the handler, unless a what-if run (-success-alpha) changes it.
	successAlpha float64
	success      float64 // EWMA of 1 (success) / 0 (failure)
	latency      float64 // EWMA, seconds
	ttft         float64 // EWMA, seconds (streams)
	samples      int64
}

const statsAlpha = 0.1

func ewma(old, v float64, first bool) float64 { return ewmaWith(statsAlpha, old, v, first) }

func ewmaWith(alpha, old, v float64, first bool) float64 {
	if first {
		return v
	}
	return old + alpha*(v-old)
}

func (s *outcomeStats) record(ok bool, latency, ttft time.Duration) {
	first := s.samples == 0
	v := 1.0
	if !ok {
		v = 0
	}
	s.success = ewmaWith(s.successAlpha, s.success, v, first)
	if ok {
		s.latency = ewma(s.latency, latency.Seconds(), s.latency == 0)
		if ttft > 0 {
			s.ttft = ewma(s.ttft, ttft.Seconds(), s.ttft == 0)
		}
	}
	s.samples++
}

// successRate is what the handler puts in Candidate.SuccessRate: 1 before
// the first outcome.
func (s *outcomeStats) successRate() float64 {
	if s.samples == 0 {
		return 1
	}
	return s.success
}

func seconds(v float64) time.Duration { return time.Duration(v * float64(time.Second)) }
