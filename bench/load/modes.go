package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// openLoop sends at a fixed rate whatever the answers do. Request i is due
// at start + i/rate; its latency counts from then, even when the
// dispatcher itself ran late, so a stall is charged to every request it
// delayed.
func (s *shooter) openLoop(o options) (*result, error) {
	if o.rate <= 0 {
		return nil, fmt.Errorf("-rate must be positive")
	}
	if o.warmup > 0 {
		s.openPhase(o, o.warmup, nil)
	}
	probe := startProbe(o.pid)
	res := s.openPhase(o, o.duration, probe)
	return res, nil
}

func (s *shooter) openPhase(o options, d time.Duration, probe *procProbe) *result {
	interval := time.Duration(float64(time.Second) / o.rate)
	total := int(float64(d) / float64(interval))
	rec := newRecorder(total)
	var wg sync.WaitGroup
	var inflight atomic.Int64
	var maxLag time.Duration
	start := time.Now()
	for i := 0; i < total; i++ {
		due := start.Add(time.Duration(i) * interval)
		if wait := time.Until(due); wait > 0 {
			time.Sleep(wait)
		}
		if lag := time.Since(due); lag > maxLag {
			maxLag = lag
		}
		if inflight.Load() >= int64(o.maxInflight) {
			rec.add(sample{total: time.Since(due), err: "generator: too many in flight"})
			continue
		}
		inflight.Add(1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer inflight.Add(-1)
			rec.add(s.shoot(context.Background(), due, nil))
		}()
	}
	sent := time.Since(start)
	wg.Wait()
	res := rec.result(sent)
	res.Rate = o.rate
	res.DispatchLagMaxMS = ms(maxLag)
	probe.finish(res)
	return res
}

// closedLoop runs -workers loops for the duration; each measures from its
// own send time.
func (s *shooter) closedLoop(o options) (*result, error) {
	if o.workers <= 0 {
		return nil, fmt.Errorf("-workers must be positive")
	}
	if o.warmup > 0 {
		s.closedPhase(o, o.warmup, nil)
	}
	return s.closedPhase(o, o.duration, startProbe(o.pid)), nil
}

func (s *shooter) closedPhase(o options, d time.Duration, probe *procProbe) *result {
	rec := newRecorder(o.workers * 1024)
	ctx, cancel := phase(context.Background(), d)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for range o.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				// The request itself is not tied to ctx: the last one of each
				// worker finishes normally instead of failing at the bell.
				rec.add(s.shoot(context.Background(), time.Now(), nil))
			}
		}()
	}
	wg.Wait()
	res := rec.result(time.Since(start))
	res.Workers = o.workers
	probe.finish(res)
	return res
}

// hold opens -concurrency streams at once and reads them to the end. When
// every stream has sent its first byte (or failed), it records the
// gateway's resident memory and, with -admin, its goroutine count: the
// cost of that many open streams.
func (s *shooter) hold(o options) (*result, error) {
	if o.concurrency <= 0 {
		return nil, fmt.Errorf("-concurrency must be positive")
	}
	probe := startProbe(o.pid)
	idle := probe.snapshot("") // the gateway before any stream: the baseline
	rec := newRecorder(o.concurrency)
	var wg, opened sync.WaitGroup
	start := time.Now()
	for range o.concurrency {
		wg.Add(1)
		opened.Add(1)
		go func() {
			defer wg.Done()
			rec.add(s.shootOpened(opened.Done))
		}()
	}
	openedAll := make(chan struct{})
	go func() { opened.Wait(); close(openedAll) }()
	var res *result
	select {
	case <-openedAll:
		snap := probe.snapshot(o.adminURL)
		wg.Wait()
		res = rec.result(time.Since(start))
		res.Open = &snap
		res.Idle = &idle
	case <-time.After(o.timeout):
		wg.Wait()
		res = rec.result(time.Since(start))
	}
	res.Concurrency = o.concurrency
	probe.finish(res)
	return res, nil
}

// shootOpened is shoot that calls opened once the first byte arrived (or
// the request failed before it).
func (s *shooter) shootOpened(opened func()) sample {
	var once sync.Once
	done := func() { once.Do(opened) }
	defer done()
	return s.shoot(context.Background(), time.Now(), done)
}
