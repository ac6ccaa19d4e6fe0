package aibackends

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/sira-ai/caddy-ai-backends/metrics"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// attempt is one upstream call: a deployment, a key, and a timer that
// cancels the call when the upstream stays silent for the deployment's
// timeout (streams reset it on every event).
type attempt struct {
	ctx     context.Context
	d       *deployment
	key     *upstreamKey
	timer   *time.Timer
	timeout time.Duration
	start   time.Time
	ttft    time.Duration // set by streams at the first event
}

// touch postpones the attempt's timeout: the upstream is alive.
func (a *attempt) touch() { a.timer.Reset(a.timeout) }

// target is what the provider needs for this attempt.
func (a *attempt) target() providers.Target {
	return providers.Target{Model: a.d.upstream, APIKey: a.key.Secret}
}

// attemptFunc performs one upstream call. committed reports that bytes
// reached the client, after which nothing may be retried.
type attemptFunc func(a *attempt) (committed bool, err error)

var errAttemptTimeout = errors.New("upstream attempt timed out")

// run tries the plan's deployments in order: each is retried on retryable
// errors with backoff (honouring Retry-After), then the next one is tried,
// until one succeeds, an error must go to the client, or all failed.
func (h *Handler) run(ctx context.Context, rec *record, p plan, do attemptFunc) *providers.Error {
	var failed failures
	var last *providers.Error
	for i, d := range p.order {
		if i > 0 && rec.deployment != nil {
			metrics.IncFallback(rec.deployment.up.name, d.up.name)
			rec.traceFallback(rec.deployment, d)
			rec.fallbacks++
		}
		retries := d.up.cfg.Retries()
		keySwitches := 0
		for try := 0; try <= retries; try++ {
			if !d.state.brk.Allow() {
				last = h.breakerRefusal(d)
				rec.traceRefused(d, last)
				failed.add(d.id, last)
				break
			}
			key, kerr := h.pickKey(d.up, h.now())
			if kerr != nil {
				d.state.brk.Release()
				last = kerr
				rec.traceRefused(d, kerr)
				failed.add(d.id, kerr)
				break
			}
			rec.deployment, rec.keyFingerprint = d, key.Fingerprint
			if try > 0 {
				rec.retries++
				metrics.IncRetry(d.up.name)
				rec.traceRetry(d, last)
			}
			committed, err := h.callOnce(ctx, rec, d, key, do)
			if err == nil {
				return nil
			}
			e := providers.Classify(err)
			if e.Provider == "" {
				e.Provider = d.up.name
			}
			last = e
			if committed || e.Kind == providers.KindCanceled || ctx.Err() != nil {
				return e
			}
			failed.add(d.id, e)
			if !e.Fallback() {
				return e
			}
			if switchKey(e) && keySwitches < len(d.up.keys)-1 && h.hasUsableKey(d.up) {
				keySwitches++ // another key may work now: no backoff, no retry spent
				try--
				continue
			}
			if !e.Retryable() || try == retries {
				break
			}
			wait, ok := h.backoff(try, e.RetryAfter)
			rec.traceBackoff(d, wait, ok)
			if !ok || !sleepCtx(ctx, wait) {
				break
			}
		}
		if ctx.Err() != nil {
			break
		}
	}
	if ctx.Err() != nil && (last == nil || last.Kind != providers.KindCanceled) {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return &providers.Error{Kind: providers.KindTimeout, Code: "deadline_exceeded",
				Message: "the request's deadline passed before any provider answered"}
		}
		return &providers.Error{Kind: providers.KindCanceled, Message: "request canceled"}
	}
	if last != nil && len(p.order) <= 1 {
		return last // one deployment: its own error says most
	}
	if last != nil && len(failed.reasons) == 1 {
		return last
	}
	return failed.err(last)
}

// breakerRefusal explains why a deployment's breaker let nothing through:
// a rate-limit cooldown (with the time left) or an open circuit.
func (env *handlerEnv) breakerRefusal(d *deployment) *providers.Error {
	snap := d.state.brk.Snapshot()
	if wait := snap.CooldownUntil.Sub(env.now()); wait > 0 {
		return &providers.Error{Kind: providers.KindRateLimited, Provider: d.up.name, Code: "rate_limit_exceeded",
			Message: "rate limited by the upstream; cooling down", RetryAfter: wait}
	}
	return &providers.Error{Kind: providers.KindUnavailable, Provider: d.up.name, Code: "circuit_open",
		Message: "circuit breaker open after repeated failures"}
}

// switchKey reports whether the failure belongs to the key rather than the
// deployment: a rejected key (401) or a rate-limited one (429). A 403 is
// about the model or feature asked for: another key would not change it.
func switchKey(e *providers.Error) bool {
	return e.Kind == providers.KindAuth || e.Kind == providers.KindRateLimited
}

// deploymentRefused reports whether the upstream refused this model or
// feature (403): a failure of the deployment, which its breaker counts,
// never of the key, so one tenant asking for a forbidden provider/<model>
// takes nothing away from the provider's other models.
func deploymentRefused(e *providers.Error) bool {
	return e.Kind == providers.KindPermission && e.Upstream != 0
}

// callOnce performs one attempt and feeds its outcome to the breaker, the
// statistics, the balancer and the key state.
func (h *Handler) callOnce(ctx context.Context, rec *record, d *deployment, key *upstreamKey, do attemptFunc) (bool, error) {
	actx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	timeout := timeDuration(d.up.cfg.Timeout)
	a := &attempt{ctx: actx, d: d, key: key, timeout: timeout, start: h.now()}
	a.ctx = rec.startAttempt(actx, d)
	a.timer = time.AfterFunc(timeout, func() { cancel(errAttemptTimeout) })
	defer a.timer.Stop()

	st := d.state
	st.endpoint.Acquire()
	key.state.endpoint.Acquire()
	metrics.InflightAdd(d.up.name, 1)
	committed, err := do(a)
	metrics.InflightAdd(d.up.name, -1)
	key.state.endpoint.Release()
	st.endpoint.Release()

	now := h.now()
	latency := now.Sub(a.start)
	if err != nil && errors.Is(context.Cause(actx), errAttemptTimeout) && ctx.Err() == nil {
		err = &providers.Error{Kind: providers.KindTimeout, Provider: d.up.name, Code: "upstream_timeout",
			Message: fmt.Sprintf("no answer within %s", timeout), Err: err}
	}
	var e *providers.Error
	if err != nil {
		e = providers.Classify(err)
	}
	rec.endAttempt(e)
	h.keyOutcome(d.up, key, e, now)
	// A closure: the gauge must show the state after this outcome, not before.
	defer func() {
		metrics.SetBreakerState(d.up.name, d.metricID(), metrics.BreakerValue(st.brk.State().String()))
	}()
	switch {
	case e == nil:
		st.brk.Success()
		st.stats.record(true, latency, a.ttft, "", now)
		observed := latency
		if a.ttft > 0 {
			observed = a.ttft
		}
		st.endpoint.Observe(observed, now)
		key.state.endpoint.Observe(observed, now)
	case e.BreakerFailure() || deploymentRefused(e):
		st.brk.Failure()
		st.stats.record(false, latency, 0, e.Kind.String(), now)
	case e.Kind == providers.KindRateLimited && len(d.up.keys) <= 1:
		// One key: the deployment itself is rate limited; rest it.
		rest := e.RetryAfter
		if rest <= 0 {
			rest = time.Second
		}
		st.brk.CoolDown(rest)
		h.sharedCooldown(d, rest)
		st.brk.Release()
		st.stats.record(false, latency, 0, e.Kind.String(), now)
	default:
		st.brk.Release()
		if e.Kind != providers.KindCanceled && e.Kind != providers.KindInvalidRequest {
			st.stats.record(false, latency, 0, e.Kind.String(), now)
		}
	}
	return committed, err
}

// backoff returns the wait before retry number try+1: exponential with
// full jitter, or the upstream's Retry-After when it gave one. It reports
// false when the advised wait is longer than the cap: better to move on.
func (h *Handler) backoff(try int, retryAfter time.Duration) (time.Duration, bool) {
	maxWait := timeDuration(h.Retry.MaxBackoff)
	if retryAfter > 0 {
		if retryAfter > maxWait {
			return 0, false
		}
		return retryAfter, true
	}
	ceiling := timeDuration(h.Retry.BaseBackoff) << min(try, 16)
	if ceiling > maxWait || ceiling <= 0 {
		ceiling = maxWait
	}
	return time.Duration(rand.Int64N(int64(ceiling) + 1)), true
}

// sleepCtx waits d, or returns false when ctx ends first.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func timeDuration[T ~int64](d T) time.Duration { return time.Duration(d) }

func secondsToDuration(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
