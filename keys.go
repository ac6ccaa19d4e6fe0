package aibackends

import (
	"time"

	"go.uber.org/zap"

	"github.com/sira-ai/caddy-ai-backends/balance"
	"github.com/sira-ai/caddy-ai-backends/metrics"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// pickDeployment asks the deployment balancer to choose among ds.
func (h *Handler) pickDeployment(ds []*deployment) int {
	var buf [16]*balance.Endpoint
	eps := buf[:0]
	for _, d := range ds {
		eps = append(eps, d.state.endpoint)
	}
	return h.deploymentPolicy.Pick(eps)
}

// errNoKey means every key of a provider is disabled, expired or cooling down.
var errNoKey = &providers.Error{
	Kind: providers.KindAuth, Code: "no_usable_upstream_key",
	Message: "no usable API key: every key is disabled, expired or rate limited",
}

// pickKey chooses the API key for one attempt: usable keys (not disabled
// after a 401/403, not past not_after, not cooling down after a 429) spread
// by the balancer. A provider without keys (a local server) gets a zero key.
func (h *Handler) pickKey(up *upstream, now time.Time) (*upstreamKey, *providers.Error) {
	if len(up.keys) == 0 {
		return &noKey, nil
	}
	var kbuf [16]*upstreamKey
	var ebuf [16]*balance.Endpoint
	usable := usableKeys(up, now, kbuf[:0])
	if len(usable) == 0 {
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

// noKeyError explains why no key is usable: a rate limit to wait out when
// keys are only cooling down, otherwise a credentials problem.
func noKeyError(up *upstream, now time.Time) *providers.Error {
	var soonest int64
	for _, k := range up.keys {
		if k.state.disabled.Load() || (!k.NotAfter.IsZero() && now.After(k.NotAfter)) {
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

// usableKeys appends to dst the keys that may be used now.
func usableKeys(up *upstream, now time.Time, dst []*upstreamKey) []*upstreamKey {
	nowNano := now.UnixNano()
	for _, k := range up.keys {
		if k.state.disabled.Load() || (!k.NotAfter.IsZero() && now.After(k.NotAfter)) || k.state.cooldown.Load() > nowNano {
			continue
		}
		dst = append(dst, k)
	}
	return dst
}

// hasUsableKey reports whether pickKey would find a key now.
func (h *Handler) hasUsableKey(up *upstream) bool {
	var buf [16]*upstreamKey
	return len(up.keys) == 0 || len(usableKeys(up, h.now(), buf[:0])) > 0
}

var noKey = upstreamKey{state: &keyState{endpoint: balance.NewEndpoint(1)}}

// keyOutcome updates a key's state after an attempt: a 401/403 takes it out
// of use, a 429 rests it for the advised time.
func (h *Handler) keyOutcome(up *upstream, k *upstreamKey, e *providers.Error, now time.Time) {
	if k == &noKey {
		return
	}
	k.state.requests.Add(1)
	k.state.lastUse.Store(now.UnixNano())
	metrics.IncKeyRequest(up.name, k.Fingerprint)
	if e == nil {
		return
	}
	k.state.errors.Add(1)
	switch e.Kind {
	case providers.KindAuth, providers.KindPermission:
		if e.Upstream == 401 || e.Upstream == 403 {
			if !k.state.disabled.Swap(true) {
				metrics.IncSecurityEvent("key_disabled")
				h.logger.Warn("upstream key disabled after an authentication failure",
					zap.String("provider", up.name), zap.String("key", k.Fingerprint),
					zap.Int("status", e.Upstream))
			}
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
