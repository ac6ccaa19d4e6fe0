package main

import (
	"math/rand/v2"
	"time"

	"github.com/sira-ai/caddy-ai-backends/balance"
	"github.com/sira-ai/caddy-ai-backends/breaker"
	"github.com/sira-ai/caddy-ai-backends/providers"
	"github.com/sira-ai/caddy-ai-backends/routing"
)

// settings are the handler's knobs that shape the attempt loop; gateway
// defaults holds the values a Caddyfile gets when it says nothing.
type settings struct {
	Retries        int           // max_retries per deployment
	BaseBackoff    time.Duration // first backoff ceiling; doubles per retry
	MaxBackoff     time.Duration // cap of one wait, Retry-After included
	AttemptTimeout time.Duration // provider timeout
	Deadline       time.Duration // whole request
	Breaker        breaker.Config
	// SuccessAlpha smooths the success-rate EWMA; the handler uses
	// statsAlpha. Other values are what-if runs for a proposed change.
	SuccessAlpha float64
}

func gatewayDefaults() settings {
	return settings{
		Retries: 2, BaseBackoff: 250 * time.Millisecond, MaxBackoff: 10 * time.Second,
		AttemptTimeout: 60 * time.Second, Deadline: 5 * time.Minute,
		Breaker: breaker.Config{}.WithDefaults(), SuccessAlpha: statsAlpha,
	}
}

// router orders the deployments for one request: a routing.Strategy, or
// the oracle, which may look at what the strategies cannot see.
type router func(r *simRequest, cands []routing.Candidate) routing.Decision

// strategyRouter adapts a routing strategy.
func strategyRouter(s routing.Strategy) router {
	return func(r *simRequest, cands []routing.Candidate) routing.Decision { return s.Route(&r.Shape, cands) }
}

// depState is the live state of one deployment, as in the handler's
// deploymentState.
type depState struct {
	brk   *breaker.Breaker
	ep    *balance.Endpoint
	stats outcomeStats
}

// simulation serves a workload one request at a time on a virtual clock:
// each request advances it by its own latency (attempts and backoff
// waits) and then by the idle gap to the next request.
type simulation struct {
	fleet  []deployment
	set    settings
	seed   uint64
	now    time.Time
	states []depState
	policy balance.Policy // the deployment balancer for load_balance
	cands  []routing.Candidate
}

// epoch is the virtual start time; any fixed instant would do.
var epoch = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

func newSimulation(fleet []deployment, set settings, seed uint64) *simulation {
	s := &simulation{fleet: fleet, set: set, seed: seed, now: epoch,
		states: make([]depState, len(fleet)), cands: make([]routing.Candidate, len(fleet))}
	clock := func() time.Time { return s.now }
	for i := range fleet {
		s.states[i] = depState{brk: breaker.New(set.Breaker, clock), ep: balance.NewEndpoint(fleet[i].Weight),
			stats: outcomeStats{successAlpha: set.SuccessAlpha}}
	}
	// The handler's default balancer; deterministic, unlike the random ones.
	s.policy, _ = balance.New(balance.WeightedRoundRobin)
	return s
}

// requestOutcome is what one client request experienced.
type requestOutcome struct {
	ok             bool
	latency        time.Duration // from arrival to answer or error, retries and waits included
	cost           float64       // USD billed for the successful attempt
	attempts       int           // upstream calls made
	brokenAttempts int           // of which to the broken deployment
	failure        string        // why a failed request failed
}

// candidates builds what routing knows now, as the handler's makePlan
// does: breaker readiness and the EWMA statistics.
func (s *simulation) candidates() []routing.Candidate {
	for i := range s.fleet {
		d, st := &s.fleet[i], &s.states[i]
		s.cands[i] = routing.Candidate{
			ID: d.ID(), Provider: d.Provider, Model: d.Model, Region: d.Region, Weight: d.Weight,
			Spec: d.Spec, Healthy: st.brk.Ready(),
			Latency: seconds(st.stats.latency), TTFT: seconds(st.stats.ttft),
			SuccessRate: st.stats.successRate(), Samples: int(st.stats.samples),
			InFlight: st.ep.InFlight(),
		}
	}
	return s.cands
}

// serve routes and runs request number n, then idles for its gap.
func (s *simulation) serve(n int, r *simRequest, route router) requestOutcome {
	start := s.now
	dec := route(r, s.candidates())
	order := dec.Order
	if dec.Strategy == routing.StrategyLoadBalance && len(order) > 1 {
		order = s.balanceFirst(order)
	}
	out := s.run(n, r, order)
	out.latency = s.now.Sub(start)
	s.now = s.now.Add(r.Gap)
	return out
}

// balanceFirst lets the balancer choose the first deployment among the
// ready ones, the others keeping their order (plan.go's balanceFirst).
func (s *simulation) balanceFirst(order []int) []int {
	var ready []int
	var eps []*balance.Endpoint
	for _, i := range order {
		if s.states[i].brk.Ready() {
			ready = append(ready, i)
			eps = append(eps, s.states[i].ep)
		}
	}
	if len(ready) < 2 {
		return order
	}
	pick := s.policy.Pick(eps)
	if pick < 0 {
		return order
	}
	out := []int{ready[pick]}
	for _, i := range order {
		if i != ready[pick] {
			out = append(out, i)
		}
	}
	return out
}

// run is the handler's attempt loop (attempt.go's run): each deployment in
// order is retried on retryable errors with backoff, then the next one is
// tried; an error that another deployment cannot fix ends the request.
func (s *simulation) run(n int, r *simRequest, order []int) requestOutcome {
	out := requestOutcome{failure: "no capable deployment"}
	start := s.now
	for _, di := range order {
		st := &s.states[di]
		for try := 0; try <= s.set.Retries; try++ {
			if s.now.Sub(start) >= s.set.Deadline {
				out.failure = "deadline"
				return out
			}
			if !st.brk.Allow() {
				if out.attempts == 0 {
					out.failure = "all breakers open"
				}
				break
			}
			rng := s.attemptRand(n, di, try)
			res := s.callOnce(di, r, start, rng)
			out.attempts++
			if s.fleet[di].Behave.Broken {
				out.brokenAttempts++
			}
			if res.err == nil {
				out.ok, out.failure = true, ""
				out.cost = s.fleet[di].cost(r)
				return out
			}
			out.failure = res.err.Kind.String()
			if !res.err.Fallback() {
				return out
			}
			if !res.err.Retryable() || try == s.set.Retries {
				break
			}
			wait, ok := s.backoff(try, res.err.RetryAfter, rng)
			if !ok {
				break
			}
			s.now = s.now.Add(min(wait, s.set.Deadline-s.now.Sub(start)))
		}
	}
	return out
}

// callOnce performs one attempt and feeds its outcome to the breaker, the
// statistics and the balancer endpoint, as the handler's callOnce does.
// The attempt is cut short by the request's deadline.
func (s *simulation) callOnce(di int, r *simRequest, start time.Time, rng *rand.Rand) attemptResult {
	st := &s.states[di]
	timeout := min(s.set.AttemptTimeout, s.set.Deadline-s.now.Sub(start))
	st.ep.Acquire()
	res := s.fleet[di].answer(r, timeout, rng)
	s.now = s.now.Add(res.latency)
	st.ep.Release()
	e := res.err
	switch {
	case e == nil:
		st.brk.Success()
		st.stats.record(true, res.latency, res.ttft)
		observed := res.latency
		if res.ttft > 0 {
			observed = res.ttft
		}
		st.ep.Observe(observed, s.now)
	case e.BreakerFailure():
		st.brk.Failure()
		st.stats.record(false, res.latency, 0)
	case e.Kind == providers.KindRateLimited: // one key per deployment: rest the deployment
		rest := e.RetryAfter
		if rest <= 0 {
			rest = time.Second
		}
		st.brk.CoolDown(rest)
		st.brk.Release()
		st.stats.record(false, res.latency, 0)
	default:
		st.brk.Release()
		if e.Kind != providers.KindCanceled && e.Kind != providers.KindInvalidRequest {
			st.stats.record(false, res.latency, 0)
		}
	}
	return res
}

// backoff is the handler's: exponential with full jitter, or the
// upstream's Retry-After when it gave one; false when that advice exceeds
// the cap.
func (s *simulation) backoff(try int, retryAfter time.Duration, rng *rand.Rand) (time.Duration, bool) {
	if retryAfter > 0 {
		if retryAfter > s.set.MaxBackoff {
			return 0, false
		}
		return retryAfter, true
	}
	ceiling := s.set.BaseBackoff << min(try, 16)
	if ceiling > s.set.MaxBackoff || ceiling <= 0 {
		ceiling = s.set.MaxBackoff
	}
	return time.Duration(rng.Int64N(int64(ceiling) + 1)), true
}

// attemptRand is the random source of one attempt, keyed by request,
// deployment and try: whichever strategy sends request n to deployment d
// for the k-th time meets the same luck there (common random numbers), so
// differences between strategies come from their choices, not from noise.
func (s *simulation) attemptRand(n, di, try int) *rand.Rand {
	return rand.New(rand.NewPCG(s.seed, uint64(n)<<16|uint64(di)<<8|uint64(try)))
}
