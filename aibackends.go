package aibackends

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
	"go.uber.org/zap"

	"github.com/sira-ai/caddy-ai-backends/balance"
	"github.com/sira-ai/caddy-ai-backends/breaker"
	"github.com/sira-ai/caddy-ai-backends/catalog"
	"github.com/sira-ai/caddy-ai-backends/dialects"
	openaid "github.com/sira-ai/caddy-ai-backends/dialects/openai"
	"github.com/sira-ai/caddy-ai-backends/dialects/responses"
	"github.com/sira-ai/caddy-ai-backends/governance"
	"github.com/sira-ai/caddy-ai-backends/metrics"
	"github.com/sira-ai/caddy-ai-backends/providers"
	"github.com/sira-ai/caddy-ai-backends/routing"
	"github.com/sira-ai/caddy-ai-backends/security"
)

func init() {
	caddy.RegisterModule(Handler{})
}

// Handler serves OpenAI-compatible (and Anthropic-compatible) AI endpoints
// in front of the configured providers.
type Handler struct {
	// ProvidersRaw are the upstream accounts; each object's "type" names its
	// provider module (openai, openai_compatible, anthropic, google, sim).
	ProvidersRaw []json.RawMessage `json:"providers,omitempty" caddy:"namespace=http.ai_backends.providers inline_key=type"`
	// Aliases name groups of deployments ("provider/model") across providers.
	Aliases map[string][]string `json:"aliases,omitempty"`
	// Routing orders the deployments of a request.
	Routing *RoutingConfig `json:"routing,omitempty"`
	// LoadBalancing spreads load among equivalent deployments and keys.
	LoadBalancing *BalancingConfig `json:"load_balancing,omitempty"`
	// CircuitBreaker settings, the same for every deployment.
	CircuitBreaker *BreakerConfig `json:"circuit_breaker,omitempty"`
	// Retry bounds backoff and the whole request's deadline.
	Retry *RetryConfig `json:"retry,omitempty"`
	// MaxBodySize of a request in bytes. Default: 10 MiB.
	MaxBodySize int64 `json:"max_body_size,omitempty"`
	// BodyReadTimeout bounds reading a request's body; a body that has not
	// arrived by then is answered with 408. Default: 30s.
	BodyReadTimeout caddy.Duration `json:"body_read_timeout,omitempty"`
	// MaxMessages in one chat request. Default: 0 (no limit).
	MaxMessages int `json:"max_messages,omitempty"`
	// ClientKeys callers must present; none configured = open gateway.
	ClientKeys []ClientKey `json:"client_keys,omitempty"`
	// ManagedKeys also accepts the client keys and teams managed through
	// the admin API (/ai_backends/client_keys), kept in Caddy's storage.
	// With it the gateway requires a key even when no client_key is set.
	ManagedKeys bool `json:"managed_keys,omitempty"`
	// Cache answers identical requests from memory.
	Cache *CacheConfig `json:"cache,omitempty"`
	// Security sets input limits, sensitive-data filtering and anomaly blocking.
	Security *SecurityConfig `json:"security,omitempty"`
	// MasterKeys decrypt api_key_encrypted values: placeholders ({env.*},
	// {file.*}) holding 32-byte keys, newest first.
	MasterKeys []string `json:"master_keys,omitempty"`
	// KeyExpiryWarningDays: warn when an upstream key's not_after is nearer
	// than this many days. Default: 14.
	KeyExpiryWarningDays int `json:"key_expiry_warning_days,omitempty"`
	// AuditPrompts adds prompts and answers (with sensitive values
	// redacted) to the audit log. Default: off.
	AuditPrompts bool `json:"audit_prompts,omitempty"`
	// TracingContent puts prompts and completions, redacted like the audit
	// log's, on the request's trace spans (gen_ai.input.messages and
	// gen_ai.output.messages), each cut to this many bytes of text. Only
	// when Caddy's tracing handler traces the request. Default: 0, off.
	TracingContent int `json:"tracing_content,omitempty"`
	// Storage shares limits, budgets, the cache and cooldowns among
	// gateway instances (Redis); without it all state is in process.
	Storage *StorageConfig `json:"storage,omitempty"`
	// DegradeTo names a model or alias (a cheaper or local group) that
	// serves a request after every provider of its own model failed.
	DegradeTo string `json:"degrade_to,omitempty"`
	// Responses bounds the responses stored for the Responses API.
	Responses *ResponsesConfig `json:"responses,omitempty"`
	// Catalog loads prices and limits from a LiteLLM-format file or URL.
	Catalog *CatalogConfig `json:"catalog,omitempty"`
	// MCP serves an MCP gateway endpoint in front of MCP tool servers.
	MCP *MCPConfig `json:"mcp,omitempty"`

	// Runtime state, built by Provision and never configured directly.
	// Each owner holds one part; its fields are reached through the handler
	// (h.keyring is h.clientGuard.keyring).
	handlerEnv
	modelRoutes
	clientGuard
	contentPolicy
	stores

	// activity and recent feed the operator console (console_*.go): the
	// process-wide ones unless a test sets its own before Provision.
	activity *activitySeries
	recent   *recentRequests

	// mcp is the MCP gateway endpoint (mcp.go); nil without an mcp block.
	mcp *mcpEndpoint
}

// handlerEnv is what every part of the handler uses: logs, the clock and
// the pool that keeps state across config reloads.
type handlerEnv struct {
	pool     acquirer
	logger   *zap.Logger
	auditLog *zap.Logger
	now      func() time.Time
	started  time.Time
}

// modelRoutes turns a model name into deployments to try: the providers,
// the catalog of deployments with their live state, prices, the routing
// strategy with its decision cache, the fallback chain and the balancer.
type modelRoutes struct {
	providers        []providers.Provider
	catalog          *modelCatalog
	prices           *catalog.Loader // nil: built-in table only
	router           routing.Strategy
	decisions        *routing.Cache
	fallback         []*upstream
	deploymentPolicy balance.Policy
}

// clientGuard decides who may call and how much: client keys with their
// limits and budgets (from the Caddyfile and, with managed_keys, from
// Caddy's storage), and the anomaly detector.
type clientGuard struct {
	keyring      *security.Keyring
	anomaly      *security.AnomalyDetector
	clientLimits map[string]ClientKey   // by key fingerprint, for shared limits
	gov          *governance.Governance // managed keys and teams; nil without managed_keys
}

// contentPolicy filters prompts and answers (and what the audit log keeps).
type contentPolicy struct {
	filter        *security.Filter
	filterPrompts bool
}

// stores keep data between requests: the response cache, state shared
// with other instances, stored Responses conversations, token counts.
type stores struct {
	cache         *cacheState
	shared        *sharedState
	responseStore responses.Store
	counts        *countCache // token counts by request shape
}

// CaddyModule returns the Caddy module information.
func (Handler) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  "http.handlers.ai_backends",
		New: func() caddy.Module { return new(Handler) },
	}
}

// Provision loads the provider modules, builds the model catalog and takes
// the pooled state that survives reloads.
func (h *Handler) Provision(ctx caddy.Context) error {
	h.logger = ctx.Logger()
	h.auditLog = h.logger.Named("audit")
	if h.now == nil { // tests inject their clock before Provision starts goroutines that read it
		h.now = time.Now
	}
	h.started = h.now()
	if h.activity == nil {
		h.activity, h.recent = processActivity, processRecent
	}
	h.counts = newCountCache(countCacheEntries, countCacheTTL)
	h.applyDefaults()
	if err := metrics.Register(ctx.GetMetricsRegistry()); err != nil {
		return fmt.Errorf("registering metrics: %v", err)
	}
	mods, err := ctx.LoadModule(h, "ProvidersRaw")
	if err != nil {
		return fmt.Errorf("loading providers: %v", err)
	}
	for _, m := range mods.([]any) {
		h.providers = append(h.providers, m.(providers.Provider))
	}
	if len(h.providers) == 0 && h.MCP == nil {
		return fmt.Errorf("ai_backends needs at least one provider (or an mcp block)")
	}
	if err := h.decryptProviderKeys(); err != nil {
		return err
	}
	if err := h.provisionCatalog(); err != nil {
		return err
	}
	h.catalog, err = h.buildCatalog(h.providers, h.breakerConfig())
	if err != nil {
		return err
	}
	metrics.ResetConfigGauges()
	for _, d := range h.catalog.byID {
		metrics.SetBreakerState(d.up.name, d.id, metrics.BreakerValue(d.state.brk.State().String()))
	}
	if err := h.provisionRouting(ctx); err != nil {
		return err
	}
	if h.deploymentPolicy, err = h.acquirePolicy("deployments", h.balancingPolicy()); err != nil {
		return err
	}
	if err := h.provisionClientKeys(); err != nil {
		return err
	}
	if err := h.provisionSecurity(); err != nil {
		return err
	}
	if err := h.provisionMCP(); err != nil {
		return err
	}
	if err := h.provisionCache(); err != nil {
		return err
	}
	if err := h.provisionShared(ctx); err != nil {
		return err
	}
	if err := h.provisionManagedKeys(ctx); err != nil {
		return err
	}
	if err := h.provisionResponses(); err != nil {
		return err
	}
	if err := h.registerForAdmin(); err != nil {
		return err
	}
	if every := timeDuration(h.LoadBalancing.HealthCheckInterval); every > 0 {
		go h.healthLoop(ctx, every)
	}
	go h.watchKeyExpiry(ctx)
	h.logger.Info("ai_backends ready",
		zap.Int("providers", len(h.providers)),
		zap.Strings("models", h.catalog.publicNames),
		zap.String("routing", h.router.Name()))
	return nil
}

func (h *Handler) applyDefaults() {
	if h.MaxBodySize <= 0 {
		h.MaxBodySize = defaultMaxBody
	}
	if h.Routing == nil {
		h.Routing = &RoutingConfig{}
	}
	if h.Routing.Strategy == "" {
		h.Routing.Strategy = "default"
	}
	if h.Routing.RegionHeader == "" {
		h.Routing.RegionHeader = defaultRegionHeader
	}
	if h.LoadBalancing == nil {
		h.LoadBalancing = &BalancingConfig{}
	}
	if h.Retry == nil {
		h.Retry = &RetryConfig{}
	}
	if h.Retry.BaseBackoff <= 0 {
		h.Retry.BaseBackoff = caddy.Duration(defaultBaseBackoff)
	}
	if h.Retry.MaxBackoff <= 0 {
		h.Retry.MaxBackoff = caddy.Duration(defaultMaxBackoff)
	}
	if h.Retry.Deadline <= 0 {
		h.Retry.Deadline = caddy.Duration(defaultDeadline)
	}
}

func (h *Handler) balancingPolicy() string {
	if h.LoadBalancing == nil || h.LoadBalancing.Policy == "" {
		return "weighted_round_robin"
	}
	return h.LoadBalancing.Policy
}

func (h *Handler) breakerConfig() breaker.Config {
	c := h.CircuitBreaker
	if c == nil {
		return breaker.Config{}.WithDefaults()
	}
	return breaker.Config{
		FailureThreshold: c.FailureThreshold,
		FailureRatio:     c.FailureRatio,
		MinRequests:      c.MinRequests,
		Window:           time.Duration(c.Window),
		RecoveryTimeout:  time.Duration(c.RecoveryTimeout),
		SuccessThreshold: c.SuccessThreshold,
		HalfOpenProbes:   c.HalfOpenProbes,
	}.WithDefaults()
}

// Validate checks the provisioned configuration; it has no side effects.
func (h *Handler) Validate() error {
	for _, f := range h.Routing.Fallback {
		if _, ok := h.catalog.byProvider[f]; !ok {
			return fmt.Errorf("routing fallback: unknown provider %q", f)
		}
	}
	if h.DegradeTo != "" && len(h.catalog.resolve(h.DegradeTo)) == 0 {
		return fmt.Errorf("degrade_to: %q is not a configured model or alias", h.DegradeTo)
	}
	if h.TracingContent < 0 {
		return fmt.Errorf("tracing_content must not be negative")
	}
	if h.MaxMessages < 0 {
		return fmt.Errorf("max_messages must not be negative")
	}
	if h.BodyReadTimeout < 0 {
		return fmt.Errorf("body_read_timeout must not be negative")
	}
	return nil
}

// Cleanup releases the pooled state this config acquired.
func (h *Handler) Cleanup() error {
	if h.gov != nil {
		h.gov.Unguard(h)
	}
	if h.mcp != nil {
		h.mcp.gw.Close()
	}
	h.pool.releaseAll()
	for _, p := range h.providers {
		if c, ok := p.(caddy.CleanerUpper); ok {
			_ = c.Cleanup()
		}
	}
	return nil
}

// ServeHTTP finds the request's endpoint in endpointTable and serves it in
// the endpoint's dialect.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request, _ caddyhttp.Handler) error {
	if h.mcp != nil && h.serveMCP(w, r) {
		return nil
	}
	spec, params, allow, d := routeRequest(r.Method, r.URL.Path)
	if spec == nil {
		h.refuseRoute(w, r, allow, d)
		return nil
	}
	rec := h.newRecord(r, spec, params)
	// Every answer, errors included, names its request (the SDKs expose it).
	spec.dialect.SetRequestID(w.Header(), rec.headerValue(slotRequestID, rec.id))
	if h.authenticate(w, r, rec) {
		spec.serve(h, w, r, rec)
	}
	if spec.method != http.MethodGet || rec.errKind != "" {
		// Before the handler returns, so that metrics, spend and the audit
		// entry are in place by the time the client has the answer (a
		// scrape or a log read right after it sees this request).
		h.finish(rec)
	}
	return nil
}

// refuseRoute answers a path no endpoint serves (404) or a method the
// path's endpoints do not take (405 with Allow, in their dialect d).
func (h *Handler) refuseRoute(w http.ResponseWriter, r *http.Request, allow []string, d dialects.Dialect) {
	if len(allow) == 0 {
		h.writeError(w, openaid.Dialect, &providers.Error{
			Kind: providers.KindNotFound, Code: "unknown_url",
			Message: "unknown endpoint " + r.Method + " " + r.URL.Path +
				"; this gateway serves /v1/chat/completions, /v1/responses, /v1/messages, /v1/embeddings, " +
				"/v1/images/generations, /v1/models and Gemini's /v1beta/models/{model}:generateContent",
		})
		return
	}
	w.Header().Set("Allow", strings.Join(allow, ", "))
	h.writeError(w, d, &providers.Error{
		Kind: providers.KindInvalidRequest, Status: http.StatusMethodNotAllowed, Code: "method_not_allowed",
		Message: "method " + r.Method + " is not allowed on " + r.URL.Path + "; use " + strings.Join(allow, " or "),
	})
}

// Interface guards
var (
	_ caddy.Provisioner           = (*Handler)(nil)
	_ caddy.Validator             = (*Handler)(nil)
	_ caddy.CleanerUpper          = (*Handler)(nil)
	_ caddyhttp.MiddlewareHandler = (*Handler)(nil)
)
