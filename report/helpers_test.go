package report

import (
	"io"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// testClock lets a test set each entry's ts.
type testClock struct{ now time.Time }

func (c *testClock) Now() time.Time                         { return c.now }
func (c *testClock) NewTicker(d time.Duration) *time.Ticker { return time.NewTicker(d) }

// logWriter writes log lines the way the handler does: Caddy's default
// JSON encoder (zap production config: float unix seconds "ts", float
// seconds durations), logger names and fields as in the handler package.
type logWriter struct {
	clock   *testClock
	handler *zap.Logger
	audit   *zap.Logger
	access  *zap.Logger
}

func newLogWriter(w io.Writer) *logWriter {
	clock := &testClock{now: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
	core := zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.AddSync(w), zapcore.DebugLevel)
	root := zap.New(core, zap.WithClock(clock))
	h := root.Named("http.handlers.ai_backends")
	return &logWriter{clock: clock, handler: h, audit: h.Named("audit"), access: root.Named("http.log.access.log0")}
}

// request is one audit entry; zero fields are logged as zero, as the
// handler does.
type request struct {
	at                            time.Time
	client, label, model          string
	provider, deployment, key     string
	status                        int
	errorType                     string
	prompt, completion, cached    int
	cost                          float64
	cache, degraded               string
	retries, fallbacks            int
	latency, ttft                 time.Duration
	requestID, endpoint, strategy string
}

func (l *logWriter) request(r request) {
	l.clock.now = r.at
	if r.provider == "" {
		r.provider = "none"
	}
	if r.endpoint == "" {
		r.endpoint = "chat"
	}
	l.audit.Info("request",
		zap.String("request_id", r.requestID),
		zap.String("client_key", r.client),
		zap.String("client_label", r.label),
		zap.String("endpoint", r.endpoint),
		zap.String("model", r.model),
		zap.String("provider", r.provider),
		zap.String("deployment", r.deployment),
		zap.String("upstream_key", r.key),
		zap.String("strategy", r.strategy),
		zap.Int("status", r.status),
		zap.String("error_type", r.errorType),
		zap.Int("prompt_tokens", r.prompt),
		zap.Int("completion_tokens", r.completion),
		zap.Int("cached_tokens", r.cached),
		zap.Float64("cost_usd", r.cost),
		zap.Duration("latency", r.latency),
		zap.Duration("ttft", r.ttft),
		zap.String("cache", r.cache),
		zap.Int("retries", r.retries),
		zap.Int("fallbacks", r.fallbacks),
		zap.String("degraded", r.degraded),
	)
}

func (l *logWriter) sensitive(at time.Time, action, client string) {
	l.clock.now = at
	l.handler.Info("sensitive data in a prompt", zap.String("action", action),
		zap.Strings("detectors", []string{"credit_card"}), zap.String("request_id", "r"), zap.String("client_key", client))
}

func (l *logWriter) answerRedacted(at time.Time) {
	l.clock.now = at
	l.handler.Info("secret redacted from a model answer", zap.Int("findings", 1), zap.String("request_id", "r"))
}

func (l *logWriter) keyDisabled(at time.Time, provider, key string) {
	l.clock.now = at
	l.handler.Warn("upstream key disabled after an authentication failure",
		zap.String("provider", provider), zap.String("key", key), zap.Int("status", 401))
}

func (l *logWriter) anomaly(at time.Time, client, label string) {
	l.clock.now = at
	l.handler.Warn("client blocked for anomalous request rate",
		zap.String("client_key", client), zap.String("label", label), zap.Time("until", at.Add(time.Minute)))
}

// management is an admin API action, as governance audits it.
func (l *logWriter) management(at time.Time, who, action, clientKey, team string) {
	l.clock.now = at
	fields := []zap.Field{zap.String("who", who), zap.String("action", action)}
	if clientKey != "" {
		fields = append(fields, zap.String("key_id", "key_1"), zap.String("client_key", clientKey))
	}
	if team != "" {
		fields = append(fields, zap.String("team", team))
	}
	l.audit.Info("management action", fields...)
}

// noise writes lines the report must skip as "other".
func (l *logWriter) noise(at time.Time) {
	l.clock.now = at
	l.handler.Info("client keys required", zap.Int("keys", 3))
	l.access.Info("handled request", zap.Int("status", 200), zap.String("model", "not-an-audit-entry"))
	l.handler.Named("audit").Info("something else", zap.Int("status", 500))
}
