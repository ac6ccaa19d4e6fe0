package aibackends

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/caddyserver/caddy/v2"
	"go.uber.org/zap"

	geminid "github.com/sira-ai/caddy-ai-backends/dialects/gemini"
	"github.com/sira-ai/caddy-ai-backends/metrics"
	"github.com/sira-ai/caddy-ai-backends/providers"
	"github.com/sira-ai/caddy-ai-backends/security"
)

// ClientKey is one key callers may present, with its limits.
type ClientKey struct {
	// Key is the secret, as a placeholder ({env.*} or {file.*}).
	Key string `json:"key"`
	// Label names the key in logs and metrics.
	Label string `json:"label,omitempty"`
	// Models the key may use; entries may end in '*'. Empty: all.
	Models []string `json:"models,omitempty"`
	// RequestsPerMinute and TokensPerMinute are token-bucket limits; 0 = none.
	RequestsPerMinute int `json:"requests_per_minute,omitempty"`
	TokensPerMinute   int `json:"tokens_per_minute,omitempty"`
	// BudgetUSD caps spending per BudgetPeriod (0 = no budget).
	BudgetUSD    float64        `json:"budget_usd,omitempty"`
	BudgetPeriod caddy.Duration `json:"budget_period,omitempty"`
	// MaxTokens is the highest max_tokens a request may ask for.
	MaxTokens int `json:"max_tokens,omitempty"`
	// MCPTools the key may see and call through the MCP gateway, as
	// "server__tool" (also prompts and resources); entries may end in '*'.
	// Empty: all.
	MCPTools []string `json:"mcp_tools,omitempty"`
	// MCPCallsPerMinute caps the key's MCP tool calls; 0 = none.
	MCPCallsPerMinute int `json:"mcp_calls_per_minute,omitempty"`
}

// keyringState pools the client keyring (with its limiter and budget
// state) across reloads that leave the client keys unchanged.
type keyringState struct{ ring *security.Keyring }

func (*keyringState) Destruct() error { return nil }

// provisionClientKeys resolves the client keys and takes the pooled keyring.
func (h *Handler) provisionClientKeys() error {
	if len(h.ClientKeys) == 0 {
		if !h.ManagedKeys { // with managed_keys a key is required all the same
			h.logger.Warn("no client_key configured: the gateway is open to every caller")
		}
		return nil
	}
	repl := caddy.NewReplacer()
	cfgs := make([]security.ClientKeyConfig, len(h.ClientKeys))
	id := sha256.New()
	for i, k := range h.ClientKeys {
		secret, err := repl.ReplaceOrErr(k.Key, true, true)
		if err != nil {
			return fmt.Errorf("client_key %d: %v", i+1, err)
		}
		cfgs[i] = security.ClientKeyConfig{
			Label: k.Label, Key: secret, AllowedModels: k.Models,
			RequestsPerMinute: k.RequestsPerMinute, TokensPerMinute: k.TokensPerMinute,
			BudgetUSD: k.BudgetUSD, BudgetPeriod: time.Duration(k.BudgetPeriod), MaxTokens: k.MaxTokens,
			AllowedMCPTools: k.MCPTools, MCPCallsPerMinute: k.MCPCallsPerMinute,
		}
		fmt.Fprintf(id, "%s|%s|%s|%d|%d|%g|%d|%d\n", security.Fingerprint(secret), k.Label,
			strings.Join(sorted(k.Models), ","), k.RequestsPerMinute, k.TokensPerMinute,
			k.BudgetUSD, k.BudgetPeriod, k.MaxTokens)
		if len(k.MCPTools) > 0 || k.MCPCallsPerMinute > 0 { // keeps the identity of keys without MCP settings
			fmt.Fprintf(id, "mcp|%s|%d\n", strings.Join(sorted(k.MCPTools), ","), k.MCPCallsPerMinute)
		}
	}
	v, err := h.pool.load("clientkeys:"+hex.EncodeToString(id.Sum(nil)), func() (caddy.Destructor, error) {
		ring, err := security.NewKeyring(cfgs, nil)
		if err != nil {
			return nil, fmt.Errorf("client keys: %v", err)
		}
		return &keyringState{ring: ring}, nil
	})
	if err != nil {
		return err
	}
	h.keyring = v.(*keyringState).ring
	h.logger.Info("client keys required", zap.Int("keys", h.keyring.Len()))
	return nil
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

// authenticate checks the caller's key before the body is read.
func (h *Handler) authenticate(w http.ResponseWriter, r *http.Request, rec *record) bool {
	var queryKey string
	if rec.dialect == geminid.Dialect && strings.Contains(r.URL.RawQuery, "key=") {
		// Google's clients may send the key as ?key=: read once, then gone
		// from the request, so no later reader logs or forwards it.
		queryKey = security.TakeQueryKey(r.URL)
		r.RequestURI = r.URL.RequestURI()
	}
	if h.keyring == nil && h.gov == nil {
		security.MaskCredentials(r.Header)
		return true
	}
	key := security.KeyFromRequest(r.Header)
	if key == "" {
		key = queryKey
	}
	var k *security.ClientKey
	if h.keyring != nil {
		k = h.keyring.Lookup(key)
	}
	if k == nil && h.gov != nil {
		// After the Caddyfile's keys: a Caddyfile key always wins.
		if e := h.gov.Lookup(key, rec.start); e != nil {
			k, rec.managed, rec.team = e.Key, e, e.Team
		}
	}
	security.MaskCredentials(r.Header) // consumed: nothing after this may see it
	if k == nil {
		h.deny(w, rec, security.InvalidKeyDenial())
		return false
	}
	rec.clientKey = k
	rec.client, rec.clientLabel = k.Fingerprint(), k.Label()
	if h.anomaly != nil {
		if blocked, until, justBlocked := h.anomaly.Observe(rec.client); blocked {
			if justBlocked {
				metrics.IncSecurityEvent(metrics.EventAnomalyBlocked)
				h.logger.Warn("client blocked for anomalous request rate",
					zap.String("client_key", rec.client), zap.String("label", rec.clientLabel), zap.Time("until", until))
			}
			h.deny(w, rec, security.AnomalyDenial(until.Sub(h.now())))
			return false
		}
	}
	return true
}

// admit applies the caller's model permission, rate limits and budget to a
// request whose model and estimates are known. An admitted request holds
// its estimate (tokens against tokens_per_minute, USD against the budget)
// until rec.charge settles it in finish, with the real usage, or with
// nothing when the request failed: so requests in flight see each other,
// and concurrency cannot overshoot a limit (see security.ClientKey.Reserve
// for the exact budget rule).
func (h *Handler) admit(w http.ResponseWriter, r *http.Request, rec *record, model string, a admission) bool {
	k := rec.clientKey
	if k == nil {
		return true
	}
	if !h.callerMayUse(rec, model) {
		h.deny(w, rec, security.ModelDenial(model))
		return false
	}
	if rec.team == nil && rec.managed == nil {
		settle, d := h.admitOne(r, k, a)
		if d != nil {
			h.deny(w, rec, d)
			return false
		}
		rec.charge = settle
		return true
	}
	return h.admitManaged(w, r, rec, a)
}

// admitOne holds a request's estimate on one limiter: the shared one in
// Redis when configured and reachable, else the in-process one. settle
// gives the real usage back.
func (h *Handler) admitOne(r *http.Request, k *security.ClientKey, a admission) (settle func(int, float64), d *security.Denial) {
	settle, _, d = h.admitWhere(r, k, a)
	return settle, d
}

// admitWhere is admitOne, also telling whether the in-process limiter took
// the request (its spend is then this instance's to persist).
func (h *Handler) admitWhere(r *http.Request, k *security.ClientKey, a admission) (settle func(int, float64), local bool, d *security.Denial) {
	if h.shared != nil {
		if d, hold, handled := h.sharedAdmit(r.Context(), k, a); handled {
			if d != nil {
				return nil, false, d
			}
			return func(actual int, cost float64) { h.sharedSettle(k, a.tokens, hold, actual, cost) }, false, nil
		}
		// Redis unavailable and failing open: the in-process limiter decides.
	}
	res, d := k.Reserve(a.tokens, a.usd)
	if d != nil {
		return nil, false, d
	}
	return func(actual int, cost float64) { k.Release(res, actual, cost) }, true, nil
}

// deny answers a refused request in the client's format.
func (h *Handler) deny(w http.ResponseWriter, rec *record, d *security.Denial) {
	kind := providers.KindRateLimited
	switch d.Status {
	case http.StatusUnauthorized:
		kind = providers.KindAuth
	case http.StatusForbidden:
		kind = providers.KindPermission
	}
	if d.Type == security.DenialBudgetExceeded {
		kind = providers.KindQuota
	}
	metrics.IncSecurityEvent(denialEvent(d))
	h.fail(w, rec, &providers.Error{Kind: kind, Status: d.Status, Code: d.Code, Message: d.Message, RetryAfter: d.RetryAfter})
}

// capMaxTokens enforces the client key's max_tokens ceiling.
func capMaxTokens(rec *record, req *providers.ChatRequest) *providers.Error {
	if rec.clientKey == nil {
		return nil
	}
	limit := rec.clientKey.MaxTokens()
	if rec.managed != nil {
		limit = rec.managed.MaxTokens() // the lower of the key's and its team's
	}
	if limit == 0 {
		return nil
	}
	if n := req.OutputLimit(); n > limit {
		if req.Original.Format == providers.FormatAnthropicMessages && req.ReasoningEffort != "" {
			return invalid("max_tokens", "max_tokens %d exceeds this key's limit of %d; with thinking on, max_tokens includes thinking.budget_tokens, so lower both", n, limit)
		}
		return invalid("max_tokens", "max_tokens %d exceeds this key's limit of %d", n, limit)
	}
	return nil
}
