package aibackends

import (
	"net/http"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// OpenTelemetry tracing of the gateway's operations, after the GenAI
// semantic conventions. The tracer comes from the span Caddy's `tracing`
// handler put in the request's context, so the gateway's spans are its
// children, in the same trace, exported by the same provider, and no
// global state is read or set. Without a recording span in the context
// the record's span stays nil and every helper here returns at once:
// nothing is created or allocated on the request path.

// tracerName is the instrumentation scope of the gateway's spans.
const tracerName = "github.com/sira-ai/caddy-ai-backends"

// Attribute names: the GenAI semantic conventions where they define one,
// "sira.*" for what is the gateway's own (the conventions define no cost,
// routing or cache attributes).
const (
	attrOperation       = attribute.Key("gen_ai.operation.name")
	attrProviderName    = attribute.Key("gen_ai.provider.name")
	attrRequestModel    = attribute.Key("gen_ai.request.model")
	attrMaxTokens       = attribute.Key("gen_ai.request.max_tokens")
	attrTemperature     = attribute.Key("gen_ai.request.temperature")
	attrTopP            = attribute.Key("gen_ai.request.top_p")
	attrStream          = attribute.Key("gen_ai.request.stream")
	attrResponseModel   = attribute.Key("gen_ai.response.model")
	attrResponseID      = attribute.Key("gen_ai.response.id")
	attrFinishReasons   = attribute.Key("gen_ai.response.finish_reasons")
	attrTimeToFirst     = attribute.Key("gen_ai.response.time_to_first_chunk")
	attrInputTokens     = attribute.Key("gen_ai.usage.input_tokens")
	attrOutputTokens    = attribute.Key("gen_ai.usage.output_tokens")
	attrCacheReadTokens = attribute.Key("gen_ai.usage.cache_read.input_tokens")
	attrCacheWrite      = attribute.Key("gen_ai.usage.cache_creation.input_tokens")
	attrReasoningTokens = attribute.Key("gen_ai.usage.reasoning.output_tokens")
	attrInputMessages   = attribute.Key("gen_ai.input.messages")
	attrOutputMessages  = attribute.Key("gen_ai.output.messages")
	attrServerAddress   = attribute.Key("server.address")
	attrServerPort      = attribute.Key("server.port")
	attrErrorType       = attribute.Key("error.type")

	attrCost           = attribute.Key("sira.cost_usd")
	attrRequestID      = attribute.Key("sira.request_id")
	attrEndpoint       = attribute.Key("sira.endpoint")
	attrProvider       = attribute.Key("sira.provider")
	attrDeployment     = attribute.Key("sira.deployment")
	attrAttempt        = attribute.Key("sira.attempt")
	attrStrategy       = attribute.Key("sira.routing.strategy")
	attrConfidence     = attribute.Key("sira.routing.confidence")
	attrAlternatives   = attribute.Key("sira.routing.alternatives")
	attrReasoning      = attribute.Key("sira.routing.reasoning")
	attrCache          = attribute.Key("sira.cache")
	attrRetries        = attribute.Key("sira.retries")
	attrFallbacks      = attribute.Key("sira.fallbacks")
	attrDegraded       = attribute.Key("sira.degraded")
	attrUsageEstimated = attribute.Key("sira.usage_estimated")
	attrBackoff        = attribute.Key("sira.backoff_seconds")
	attrHTTPStatus     = attribute.Key("http.response.status_code")
)

// operationName is the GenAI operation of a gateway endpoint: "chat" for
// every chat dialect, the conventions' names where they have one, and the
// endpoint's own name otherwise.
func operationName(endpoint string) string {
	switch endpoint {
	case "chat/completions", "messages", "responses":
		return "chat"
	case "embeddings":
		return "embeddings"
	case "images/generations":
		return "generate_content"
	}
	return endpoint
}

// genAIProviderName is the conventions' well-known name of a provider
// type; types the conventions do not list keep their own name.
func genAIProviderName(providerType string) string {
	switch providerType {
	case "google":
		return "gcp.gemini"
	case "azure", "azure_openai":
		return "azure.ai.openai"
	case "":
		return "unknown"
	}
	return providerType
}

// requestTrace is a traced request's state: the operation span, its
// tracer, and what the attempt spans share with it.
type requestTrace struct {
	span          trace.Span
	tracer        trace.Tracer
	attempts      int
	requestAttrs  []attribute.KeyValue // the request's parameters (stream, max_tokens, …)
	responseAttrs []attribute.KeyValue // the answering attempt's response
	traceIn       string               // gen_ai.input.messages, with tracing_content
	traceOut      string               // gen_ai.output.messages, with tracing_content
	attempt       attemptTrace         // the upstream attempt under way
}

// startTrace starts the request's operation span when a recording span
// (Caddy's `tracing` handler) is in the request's context. The GET and
// DELETE endpoints (model lists, stored responses) call no upstream and
// are left to the server span.
func (rec *record) startTrace(r *http.Request, method string) {
	if method != http.MethodPost {
		return
	}
	parent := trace.SpanFromContext(r.Context())
	if !parent.IsRecording() {
		return
	}
	t := &requestTrace{tracer: parent.TracerProvider().Tracer(tracerName)}
	op := operationName(rec.endpoint)
	_, t.span = t.tracer.Start(r.Context(), op, trace.WithSpanKind(trace.SpanKindInternal),
		trace.WithAttributes(attrOperation.String(op), attrEndpoint.String(rec.endpoint),
			attrRequestID.String(rec.id)))
	rec.trace = t
}

// traceRequest records the chat request's model and parameters: the
// parameters go on the operation span and on every attempt span, the
// model asked for on the operation span only (an attempt names the model
// it sends upstream).
func (rec *record) traceRequest(req *providers.ChatRequest) {
	if rec.trace == nil {
		return
	}
	rec.trace.span.SetAttributes(attrRequestModel.String(req.Model))
	attrs := make([]attribute.KeyValue, 0, 4)
	attrs = append(attrs, attrStream.Bool(req.Stream))
	if n := req.OutputLimit(); n > 0 {
		attrs = append(attrs, attrMaxTokens.Int(n))
	}
	if req.Temperature != nil {
		attrs = append(attrs, attrTemperature.Float64(*req.Temperature))
	}
	if req.TopP != nil {
		attrs = append(attrs, attrTopP.Float64(*req.TopP))
	}
	rec.trace.requestAttrs = attrs
	rec.trace.span.SetAttributes(attrs...)
}

// tracePlan records the routing decision as an event of the operation span.
func (rec *record) tracePlan(p plan) {
	if rec.trace == nil {
		return
	}
	attrs := []attribute.KeyValue{
		attrStrategy.String(p.decision.Strategy),
		attrConfidence.Float64(p.decision.Confidence),
		attrAlternatives.StringSlice(p.decision.Alternatives),
		attrReasoning.StringSlice(p.decision.Reasoning),
	}
	if len(p.order) > 0 {
		attrs = append(attrs, attrDeployment.String(p.order[0].id))
	}
	rec.trace.span.AddEvent("sira.routing.decision", trace.WithAttributes(attrs...))
}

// traceEvent adds a named event to the operation span (retries, backoffs,
// fallbacks, breaker refusals).
func (rec *record) traceEvent(name string, attrs ...attribute.KeyValue) {
	if rec.trace == nil {
		return
	}
	rec.trace.span.AddEvent(name, trace.WithAttributes(attrs...))
}

// endTrace completes the operation span with what the request came to:
// the model, usage, cost, cache outcome and error.
func (rec *record) endTrace() {
	if rec.trace == nil {
		return
	}
	span := rec.trace.span
	op := operationName(rec.endpoint)
	if rec.model != "" {
		span.SetName(op + " " + rec.model)
		span.SetAttributes(attrRequestModel.String(rec.model))
	}
	if d := rec.deployment; d != nil {
		span.SetAttributes(attrProviderName.String(genAIProviderName(d.up.cfg.Type())),
			attrProvider.String(d.up.name), attrDeployment.String(d.id))
	}
	span.SetAttributes(usageAttrs(rec.usage)...)
	span.SetAttributes(rec.trace.responseAttrs...)
	span.SetAttributes(attrCost.Float64(rec.cost), attrRetries.Int(rec.retries),
		attrFallbacks.Int(rec.fallbacks), attrHTTPStatus.Int(rec.status))
	if rec.ttft > 0 {
		span.SetAttributes(attrTimeToFirst.Float64(rec.ttft.Seconds()))
	}
	if rec.cache != "" {
		span.SetAttributes(attrCache.String(rec.cache))
	}
	if rec.degraded != "" {
		span.SetAttributes(attrDegraded.String(rec.degraded))
	}
	if rec.usageEstimated {
		span.SetAttributes(attrUsageEstimated.Bool(true))
	}
	if rec.trace.traceIn != "" {
		span.SetAttributes(attrInputMessages.String(rec.trace.traceIn))
	}
	if rec.trace.traceOut != "" {
		span.SetAttributes(attrOutputMessages.String(rec.trace.traceOut))
	}
	if rec.errKind != "" {
		span.SetAttributes(attrErrorType.String(rec.errKind))
		span.SetStatus(codes.Error, rec.errKind)
	}
	span.End()
}

// usageAttrs are the conventions' usage attributes of u; the cached,
// cache-write and reasoning counts only when the provider reported them.
func usageAttrs(u *providers.Usage) []attribute.KeyValue {
	if u == nil {
		return nil
	}
	attrs := []attribute.KeyValue{attrInputTokens.Int(u.PromptTokens), attrOutputTokens.Int(u.CompletionTokens)}
	if n := u.CachedTokens(); n > 0 {
		attrs = append(attrs, attrCacheReadTokens.Int(n))
	}
	if u.CacheWriteTokens > 0 {
		attrs = append(attrs, attrCacheWrite.Int(u.CacheWriteTokens))
	}
	if n := u.ReasoningTokens(); n > 0 {
		attrs = append(attrs, attrReasoningTokens.Int(n))
	}
	return attrs
}
