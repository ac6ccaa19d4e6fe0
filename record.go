package aibackends

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/sira-ai/caddy-ai-backends/catalog"
	"github.com/sira-ai/caddy-ai-backends/dialects"
	"github.com/sira-ai/caddy-ai-backends/governance"
	"github.com/sira-ai/caddy-ai-backends/internal/sat"
	"github.com/sira-ai/caddy-ai-backends/metrics"
	"github.com/sira-ai/caddy-ai-backends/providers"
	"github.com/sira-ai/caddy-ai-backends/routing"
	"github.com/sira-ai/caddy-ai-backends/security"
)

// record follows one request from arrival to the audit log and metrics.
type record struct {
	id             string // made by the gateway; X-Request-Id of the answer
	clientID       string // the client's own X-Request-Id, sanitised, or ""
	start          time.Time
	endpoint       string
	dialect        dialects.Dialect
	pathParams     []string // the endpoint pattern's parameter values
	model          string   // public model asked for
	client         string   // client key fingerprint, "" when the gateway is open
	clientLabel    string
	clientKey      *security.ClientKey
	team           *security.ClientKey // a managed key's team, or nil
	managed        *governance.Entry   // the managed key, or nil
	deployment     *deployment
	keyFingerprint string
	decision       routing.Decision
	status         int
	errKind        string
	usage          *providers.Usage
	images         int
	cost           float64
	ttft           time.Duration
	retries        int
	fallbacks      int
	cache          string // hit, miss, bypass, stale or ""
	degraded       string
	committed      bool   // bytes reached the client
	unpriced       bool   // costed at 0: no source prices the model
	prompt, answer string // only with audit_prompts, redacted
	charge         func(tokens int, cost float64)

	// Usage estimated for a stream that ended without the upstream's usage
	// (a client that disconnected before the final chunk, an upstream that
	// sends none): see estimateStreamUsage.
	promptEstimate int  // the request's prompt estimate
	streamedChars  int  // text and tool-call argument characters streamed
	streamed       bool // a stream was committed to the client
	usageEstimated bool // (the two bools side by side: no padding between)

	// trace is the request's tracing state (tracing.go), nil when the
	// request is not traced: one pointer keeps untraced records small.
	trace *requestTrace

	// headerValues back the response headers the gateway sets on every
	// answer (see headerValue), one slot each.
	headerValues [slotCount]string
}

// newRecord starts a request's record under an id the gateway makes: a
// client's X-Request-Id is kept apart (clientID), so no client can choose,
// reuse or forge the id that audit entries and logs are correlated by.
func (env *handlerEnv) newRecord(r *http.Request, spec *endpointSpec, params []string) *record {
	rec := &record{
		id: strconv.FormatUint(rand.Uint64(), 36), clientID: clientRequestID(r.Header.Get(hdrRequestID)),
		start: env.now(), endpoint: spec.name, dialect: spec.dialect, pathParams: params, status: http.StatusOK,
	}
	rec.startTrace(r, spec.method)
	return rec
}

// maxClientRequestID bounds the client's X-Request-Id kept in the audit log.
const maxClientRequestID = 128

// clientRequestID makes a client's X-Request-Id safe to log: printable
// ASCII only (control characters could forge or split log lines in a
// plain-text log), at most maxClientRequestID bytes. A clean id, the usual
// case, is returned without copying.
func clientRequestID(v string) string {
	clean := len(v) <= maxClientRequestID
	for i := 0; clean && i < len(v); i++ {
		clean = v[i] >= 0x20 && v[i] < 0x7f
	}
	if clean {
		return v
	}
	b := make([]byte, 0, min(len(v), maxClientRequestID))
	for i := 0; i < len(v) && len(b) < maxClientRequestID; i++ {
		if v[i] >= 0x20 && v[i] < 0x7f {
			b = append(b, v[i])
		}
	}
	return string(b)
}

func (rec *record) plan(p plan) {
	rec.decision = p.decision
	rec.tracePlan(p)
}

func (rec *record) setError(e *providers.Error) {
	rec.errKind = e.Kind.String()
	if !rec.committed {
		rec.status = e.HTTPStatus()
	}
}

// fail writes e to the client and records it.
func (h *Handler) fail(w http.ResponseWriter, rec *record, e *providers.Error) {
	rec.setError(e)
	h.writeError(w, rec.dialect, e)
}

// decisionHeaders tell the client which provider answered and why: the
// provider and strategy always, the reasoning when it asks with X-AI-Debug.
func (h *Handler) decisionHeaders(w http.ResponseWriter, r *http.Request, rec *record, p plan) {
	hdr := w.Header()
	if d := rec.deployment; d != nil {
		hdr[hdrProvider] = rec.headerValue(slotProvider, d.up.name)
		hdr[hdrDeployment] = rec.headerValue(slotDeployment, d.id)
	}
	if s := p.decision.Strategy; s != "" {
		hdr[hdrStrategy] = rec.headerValue(slotStrategy, s)
	}
	if r.Header.Get("X-AI-Debug") != "" {
		hdr.Set("X-AI-Confidence", strconv.FormatFloat(p.decision.Confidence, 'f', 2, 64))
		hdr.Set("X-AI-Reasoning", strings.Join(p.decision.Reasoning, "; "))
		hdr.Set("X-AI-Alternatives", strings.Join(p.decision.Alternatives, ", "))
		if rec.retries > 0 || rec.fallbacks > 0 {
			hdr.Set("X-AI-Attempts", strconv.Itoa(1+rec.retries+rec.fallbacks))
		}
	}
}

// computeCost prices the recorded usage with the deployment's prices.
func (rec *record) computeCost() {
	if rec.deployment == nil || (rec.usage == nil && rec.images == 0) {
		return
	}
	t := rec.usage.Tokens()
	t.Images = rec.images
	spec, known := rec.deployment.entry.Get()
	rec.cost = catalog.Cost(t, spec.Prices)
	if !known && !rec.unpriced {
		rec.unpriced = true // computeCost may run twice; count the request once
		noteUnknownModel(rec.deployment)
	}
}

// costHeader announces the request's cost; call before writing the body.
func (h *Handler) costHeader(w http.ResponseWriter, rec *record) {
	rec.computeCost()
	w.Header()[hdrCost] = rec.headerValue(slotCost, strconv.FormatFloat(rec.cost, 'f', 8, 64))
}

// headerValue returns a one-value header slice backed by the record, so
// setting a response header costs no allocation of its own. Each slot is
// its own slice with capacity 1: a later Header.Add appends to a copy
// instead of overwriting the next slot, and no slice is shared between
// requests (middleware may rewrite header values in place).
func (rec *record) headerValue(slot int, v string) []string {
	rec.headerValues[slot] = v
	return rec.headerValues[slot : slot+1 : slot+1]
}

// Header names in canonical form, assigned directly: Header.Set would
// canonicalise "X-AI-…" anew, an allocation each, on every answer.
const (
	hdrProvider   = "X-Ai-Provider"
	hdrDeployment = "X-Ai-Deployment"
	hdrStrategy   = "X-Ai-Strategy"
	hdrCost       = "X-Ai-Cost-Usd"
	hdrRequestID  = "X-Request-Id"
)

// Slots of record.headerValues.
const (
	slotProvider = iota
	slotDeployment
	slotStrategy
	slotCost
	slotRequestID
	slotCount
)

// metricModel keeps metric labels bounded: configured names only.
func (mr *modelRoutes) metricModel(model string) string {
	if _, ok := mr.catalog.byModel[model]; ok {
		return model
	}
	if _, ok := mr.catalog.byID[model]; ok {
		return model
	}
	return "other"
}

// finish records metrics, charges the client key and writes the audit entry.
func (h *Handler) finish(rec *record) {
	dur := h.now().Sub(rec.start)
	rec.estimateStreamUsage()
	if rec.cost == 0 {
		rec.computeCost()
	}
	provider := "none"
	if rec.deployment != nil {
		provider = rec.deployment.up.name
	}
	labels := metrics.Labels{Provider: provider, Model: h.metricModel(rec.model)}
	metrics.ObserveRequest(labels, rec.status, dur)
	if rec.errKind != "" {
		metrics.IncError(rec.errKind)
	}
	cached := rec.cache == "hit" || rec.cache == "stale" // nothing was spent upstream
	if !cached {
		if rec.usage != nil {
			metrics.AddTokens(labels, rec.usage.Tokens())
		}
		if rec.cost > 0 {
			metrics.AddCost(labels, rec.cost)
		}
		if rec.ttft > 0 {
			metrics.ObserveTTFT(labels, rec.ttft)
		}
	}
	tokens, cost := 0, rec.cost
	if rec.usage != nil {
		tokens = sat.AddCounts(rec.usage.PromptTokens, rec.usage.CompletionTokens)
	}
	if cached {
		cost = 0
	}
	if rec.charge != nil {
		rec.charge(tokens, cost)
	}
	if h.activity != nil {
		if cached {
			tokens = 0 // not spent: as in the metrics and the key's spend
		}
		h.activity.observe(rec.start.Add(dur), rec.status, dur, tokens, cost)
	}
	h.remember(rec, dur)
	h.audit(rec, provider, dur)
	rec.endTrace()
}

// audit writes one structured entry per request. Prompts and keys never
// appear: only fingerprints and counts.
func (env *handlerEnv) audit(rec *record, provider string, dur time.Duration) {
	ce := env.auditLog.Check(zap.InfoLevel, "request")
	if ce == nil {
		return
	}
	deployment := ""
	if rec.deployment != nil {
		deployment = rec.deployment.id
	}
	var prompt, completion, cached int
	if rec.usage != nil {
		prompt, completion, cached = rec.usage.PromptTokens, rec.usage.CompletionTokens, rec.usage.CachedTokens()
	}
	ce.Write(
		zap.String("request_id", rec.id),
		zap.String("client_request_id", rec.clientID),
		zap.String("client_key", rec.client),
		zap.String("client_label", rec.clientLabel),
		zap.String("endpoint", rec.endpoint),
		zap.String("model", rec.model),
		zap.String("provider", provider),
		zap.String("deployment", deployment),
		zap.String("upstream_key", rec.keyFingerprint),
		zap.String("strategy", rec.decision.Strategy),
		zap.Int("status", rec.status),
		zap.String("error_type", rec.errKind),
		zap.Int("prompt_tokens", prompt),
		zap.Int("completion_tokens", completion),
		zap.Int("cached_tokens", cached),
		zap.Float64("cost_usd", rec.cost),
		zap.Duration("latency", dur),
		zap.Duration("ttft", rec.ttft),
		zap.String("cache", rec.cache),
		zap.Int("retries", rec.retries),
		zap.Int("fallbacks", rec.fallbacks),
		zap.String("degraded", rec.degraded),
		zap.Bool("usage_estimated", rec.usageEstimated),
	)
	if rec.prompt != "" || rec.answer != "" {
		env.auditLog.Info("content", zap.String("request_id", rec.id),
			zap.String("prompt", rec.prompt), zap.String("answer", rec.answer))
	}
}
