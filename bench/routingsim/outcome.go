package main

import (
	"math/rand/v2"
	"time"

	"github.com/sira-ai/caddy-ai-backends/catalog"
	"github.com/sira-ai/caddy-ai-backends/providers"
	"github.com/sira-ai/caddy-ai-backends/routing"
)

// attemptResult is what one upstream attempt did, as the handler's
// callOnce would see it.
type attemptResult struct {
	err     *providers.Error // nil: success
	latency time.Duration    // until the answer was complete, or the failure
	ttft    time.Duration    // streams that succeeded: time to first token
}

// prefillTokensPerSecond is how fast a deployment reads the prompt before
// the first token: a 100K-token document adds four seconds.
const prefillTokensPerSecond = 25_000

// rttByDistance is the network round trip added to an attempt, by
// routing.RegionDistance between the client and the deployment.
var rttByDistance = [...]time.Duration{
	routing.SameRegion: 5 * time.Millisecond,
	routing.SameArea:   30 * time.Millisecond,
	routing.Unpinned:   60 * time.Millisecond,
	routing.OtherArea:  120 * time.Millisecond,
}

// answer simulates one attempt of r on d, drawing from rng. timeout is the
// per-attempt timeout: for a non-streamed answer it bounds the whole
// response (the handler's timer is not touched until the body is read);
// for a stream only the wait for the first token.
func (d *deployment) answer(r *simRequest, timeout time.Duration, rng *rand.Rand) attemptResult {
	rtt := rttByDistance[min(max(routing.RegionDistance(r.Shape.Region, d.Region), 0), routing.OtherArea)]
	b := &d.Behave
	if b.Broken {
		return attemptResult{latency: rtt + lognormal{ms(80), ms(400)}.sample(rng),
			err: &providers.Error{Kind: providers.KindUpstream, Upstream: 503, Message: "service unavailable"}}
	}
	if ok, why := routing.Capable(&r.Shape, d.Spec); !ok {
		// The upstream refuses what the model cannot do: a 400 that the
		// handler returns to the client at once (no fallback).
		return attemptResult{latency: rtt + ms(40),
			err: &providers.Error{Kind: providers.KindInvalidRequest, Upstream: 400, Message: why}}
	}
	first := rtt + b.TTFT.sample(rng) +
		time.Duration(float64(r.Shape.PromptTokens)/prefillTokensPerSecond*float64(time.Second))
	if rng.Float64() < b.FailRate {
		return failedAttempt(b.Failures, first, timeout, rng)
	}
	total := first + time.Duration(float64(d.outputTokens(r))/b.TokensPerSecond*float64(time.Second))
	switch {
	case first > timeout, !r.Shape.Stream && total > timeout:
		return attemptResult{latency: timeout,
			err: &providers.Error{Kind: providers.KindTimeout, Message: "no answer within the attempt timeout"}}
	case r.Shape.Stream:
		return attemptResult{latency: total, ttft: first}
	}
	return attemptResult{latency: total}
}

// failedAttempt draws one of the failure modes by share. Errors come back
// about halfway to where the first token would have been.
func failedAttempt(modes []failureMode, first, timeout time.Duration, rng *rand.Rand) attemptResult {
	var total float64
	for _, m := range modes {
		total += m.Share
	}
	u := rng.Float64() * total
	m := failureMode{Kind: providers.KindUpstream}
	for _, c := range modes {
		m = c
		if u < c.Share {
			break
		}
		u -= c.Share
	}
	if m.Hang {
		return attemptResult{latency: timeout,
			err: &providers.Error{Kind: providers.KindTimeout, Message: "no answer within the attempt timeout"}}
	}
	return attemptResult{latency: first / 2,
		err: &providers.Error{Kind: m.Kind, RetryAfter: m.RetryAfter, Message: m.Kind.String()}}
}

// outputTokens is the length of d's answer to r: the request's natural
// answer length, cut at the model's output limit.
func (d *deployment) outputTokens(r *simRequest) int {
	if d.Spec.MaxOutput > 0 {
		return min(r.OutputTokens, d.Spec.MaxOutput)
	}
	return r.OutputTokens
}

// cost is what d bills for answering r.
func (d *deployment) cost(r *simRequest) float64 {
	return catalog.Cost(catalog.Tokens{Input: r.Shape.PromptTokens, Output: d.outputTokens(r)}, d.Spec.Prices)
}
