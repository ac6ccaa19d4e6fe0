package aibackends

import (
	"time"

	"go.uber.org/zap"

	"github.com/sira-ai/caddy-ai-backends/balance"
	"github.com/sira-ai/caddy-ai-backends/metrics"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// pickDeployment asks the deployment balancer to choose among ds.
func (mr *modelRoutes) pickDeployment(ds []*deployment) int {
	var buf [16]*balance.Endpoint
	eps := buf[:0]
	for _, d := range ds {
		eps = append(eps, d.state.endpoint)
	}
	return mr.deploymentPolicy.Pick(eps)
}

// errNoKey means every key of a provider is past its not_after.
var errNoKey = &providers.Error{
	Kind: providers.KindAuth, Code: "no_usable_upstream_key",
	Message: "no usable API key: every key of this provider is past its not_after date",
}

// pickKey chooses the API key for one attempt: usable keys (not resting
// after a 401, not past not_after, not cooling down after a 429) spread by
// the balancer. When only resting keys are left, the one due for a probe
// first serves: resting a key moves traffic to its siblings, it never
// leaves a provider without a key. A provider without keys (a local
// server) gets a zero key.
func (h *Handler) pickKey(up *upstream, now time.Time) (*upstreamKey, *providers.Error) {
	if len(up.keys) == 0 {
		return &noKey, nil
	}
	var kbuf [16]*upstreamKey
	var ebuf [16]*balance.Endpoint
	usable := usableKeys(up, now, kbuf[:0])
	if len(usable) == 0 {
		if k := soonestProbe(up, now); k != nil {
			return k, nil
		}
		return nil, noKeyError(up, now)
	}
	eps := ebuf[:0]
	for _, k := range usable {
		eps = append(eps, k.state.endpoint)
	}
	i := up.keyPick.Pick(eps)
	if i < 0 {
		i = 0
	}
	return usable[i], nil
}

// noKeyError explains why no key can serve: a rate limit to wait out when
// keys are only cooling down, otherwise every key is expired.
func noKeyError(up *upstream, now time.Time) *providers.Error {
	var soonest int64
	for _, k := range up.keys {
		if k.expired(now) {
			continue
		}
		if c := k.state.cooldown.Load(); soonest == 0 || c < soonest {
			soonest = c
		}
	}
	if soonest > 0 {
		return &providers.Error{Kind: providers.KindRateLimited, Provider: up.name, Code: "rate_limit_exceeded",
			Message: "every API key of this provider is rate limited", RetryAfter: time.Duration(soonest - now.UnixNano())}
	}
	e := *errNoKey
	e.Provider = up.name
	return &e
}

// expired reports whether the key is past its not_after.
func (k *upstreamKey) expired(now time.Time) bool {
	return !k.NotAfter.IsZero() && now.After(k.NotAfter)
}

// usable reports whether the key may serve at now: not expired, not resting
// after a 401, not cooling down after a 429.
func (k *upstreamKey) usable(now time.Time) bool {
	n := now.UnixNano()
	return !k.expired(now) && !k.state.health.resting(n) && k.state.cooldown.Load() <= n
}

// usableKeys appends to dst the keys that may be used now.
func usableKeys(up *upstream, now time.Time, dst []*upstreamKey) []*upstreamKey {
	for _, k := range up.keys {
		if k.usable(now) {
			dst = append(dst, k)
		}
	}
	return dst
}

// soonestProbe is the resting key whose rest ends first, among the keys
// that are neither expired nor cooling down; nil when there is none.
func soonestProbe(up *upstream, now time.Time) *upstreamKey {
	var best *upstreamKey
	n := now.UnixNano()
	for _, k := range up.keys {
		if k.expired(now) || k.state.cooldown.Load() > n {
			continue
		}
		if best == nil || k.state.health.until() < best.state.health.until() {
			best = k
		}
	}
	return best
}

// anotherKeyServes reports whether a key other than k is usable at now.
func anotherKeyServes(up *upstream, k *upstreamKey, now time.Time) bool {
	for _, o := range up.keys {
		if o != k && o.usable(now) {
			return true
		}
	}
	return false
}

// hasUsableKey reports whether pickKey would find a key now.
func (env *handlerEnv) hasUsableKey(up *upstream) bool {
	var buf [16]*upstreamKey
	now := env.now()
	return len(up.keys) == 0 || len(usableKeys(up, now, buf[:0])) > 0 || soonestProbe(up, now) != nil
}

var noKey = upstreamKey{state: &keyState{endpoint: balance.NewEndpoint(1)}}

// keyOutcome updates a key's state after an attempt: an upstream 401 rests
// it (when another key can serve), a success restores a probed key, a 429
// cools it down for the advised time. A 403 is about the model or feature
// asked for, not the key: callOnce counts it against the deployment.
func (env *handlerEnv) keyOutcome(up *upstream, k *upstreamKey, e *providers.Error, now time.Time) {
	if k == &noKey {
		return
	}
	k.state.requests.Add(1)
	k.state.lastUse.Store(now.UnixNano())
	metrics.IncKeyRequest(up.name, k.Fingerprint)
	if e == nil {
		if k.state.health.succeeded() {
			env.logger.Info("upstream key restored after a successful probe",
				zap.String("provider", up.name), zap.String("key", k.Fingerprint))
		}
		return
	}
	k.state.errors.Add(1)
	switch e.Kind {
	case providers.KindAuth:
		if e.Upstream != 0 {
			env.restKey(up, k, e, now)
		}
	case providers.KindRateLimited:
		if len(up.keys) < 2 {
			return // one key: the deployment cools down instead (callOnce)
		}
		rest := e.RetryAfter
		if rest <= 0 {
			rest = time.Second
		}
		k.state.cooldown.Store(now.Add(rest).UnixNano())
	}
}

// restKey takes a key the upstream rejected out of use with back-off, but
// only while another key can serve: the last usable key keeps being tried,
// so the upstream's own answer reaches the client and a fixed key (or a
// passing upstream fault) serves again at once.
func (env *handlerEnv) restKey(up *upstream, k *upstreamKey, e *providers.Error, now time.Time) {
	if !anotherKeyServes(up, k, now) {
		return
	}
	until, started := k.state.health.rest(now)
	if !started {
		return
	}
	metrics.IncSecurityEvent("key_disabled")
	// The message is the one the compliance report (report/) counts.
	env.logger.Warn("upstream key disabled after an authentication failure",
		zap.String("provider", up.name), zap.String("key", k.Fingerprint),
		zap.Int("status", e.Upstream), zap.Time("next_probe", until))
}
