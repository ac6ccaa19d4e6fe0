package aibackends

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// attemptTrace is the CLIENT span of one upstream attempt, a child of the
// operation span. Attempts of a request run one after another, so the
// request's trace holds the current one.
type attemptTrace struct {
	span     trace.Span
	id       string   // the response's id
	model    string   // the model the upstream says answered
	finish   []string // finish reasons, one per choice seen
	usage    *providers.Usage
	gotFirst bool
}

// startAttempt starts the span of an attempt on d and returns the context
// the attempt runs under: the provider's request carries it, so its
// traceparent names this span.
func (rec *record) startAttempt(ctx context.Context, d *deployment) context.Context {
	if rec.trace == nil {
		return ctx
	}
	rec.trace.attempts++
	op := operationName(rec.endpoint)
	attrs := make([]attribute.KeyValue, 0, 8+len(rec.trace.requestAttrs))
	attrs = append(attrs, rec.trace.requestAttrs...)
	attrs = append(attrs, attrOperation.String(op),
		attrProviderName.String(genAIProviderName(d.up.cfg.Type())),
		attrRequestModel.String(d.upstream), // after model_map: what the upstream is asked for
		attrProvider.String(d.up.name), attrDeployment.String(d.id), attrAttempt.Int(rec.trace.attempts))
	if host, port := serverAddress(d.up.cfg.BaseURL); host != "" {
		attrs = append(attrs, attrServerAddress.String(host), attrServerPort.Int(port))
	}
	ctx, span := rec.trace.tracer.Start(trace.ContextWithSpan(ctx, rec.trace.span), op+" "+d.upstream,
		trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
	rec.trace.attempt = attemptTrace{span: span}
	return ctx
}

// serverAddress splits a base URL into the host and port the conventions'
// server.* attributes name (the scheme's default port when none is given).
func serverAddress(base string) (string, int) {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return "", 0
	}
	host, p := u.Hostname(), u.Port()
	if p == "" {
		if u.Scheme == "http" {
			return host, 80
		}
		return host, 443
	}
	port, _ := strconv.Atoi(p)
	return host, port
}

// chunk notes a streamed event: the time to the first one, the response's
// id and model, finish reasons and usage.
func (rec *record) traceChunk(c *providers.ChatChunk, sinceStart time.Duration) {
	if rec.trace == nil {
		return
	}
	t := &rec.trace.attempt
	if !t.gotFirst {
		t.gotFirst = true
		t.span.SetAttributes(attrTimeToFirst.Float64(sinceStart.Seconds()))
		t.span.AddEvent("gen_ai.first_chunk")
	}
	if t.id == "" {
		t.id = c.ID
	}
	if t.model == "" {
		t.model = c.Model
	}
	for i := range c.Choices {
		if r := c.Choices[i].FinishReason; r != nil && *r != "" {
			t.finish = append(t.finish, *r)
		}
	}
	if c.Usage != nil {
		t.usage = c.Usage
	}
}

// response notes a complete answer.
func (rec *record) traceResponse(resp *providers.ChatResponse) {
	if rec.trace == nil || resp == nil {
		return
	}
	t := &rec.trace.attempt
	t.id, t.model, t.usage = resp.ID, resp.Model, resp.Usage
	if err := resp.LoadChoices(); err == nil {
		for i := range resp.Choices {
			if r := resp.Choices[i].FinishReason; r != "" {
				t.finish = append(t.finish, r)
			}
		}
	}
}

// end completes the attempt's span with its outcome; a successful
// attempt's response attributes go to the operation span too.
func (rec *record) endAttempt(e *providers.Error) {
	if rec.trace == nil || rec.trace.attempt.span == nil {
		return
	}
	t := &rec.trace.attempt
	var resp []attribute.KeyValue
	if t.id != "" {
		resp = append(resp, attrResponseID.String(t.id))
	}
	if t.model != "" {
		resp = append(resp, attrResponseModel.String(t.model))
	}
	if len(t.finish) > 0 {
		resp = append(resp, attrFinishReasons.StringSlice(t.finish))
	}
	t.span.SetAttributes(resp...)
	t.span.SetAttributes(usageAttrs(t.usage)...)
	if e != nil {
		t.span.SetAttributes(attrErrorType.String(e.Kind.String()))
		if e.Upstream != 0 {
			t.span.SetAttributes(attrHTTPStatus.Int(e.Upstream))
		}
		t.span.SetStatus(codes.Error, e.Kind.String())
	} else {
		rec.trace.responseAttrs = resp
	}
	t.span.End()
	*t = attemptTrace{}
}

// traceRetry notes that deployment d is tried again after error e.
func (rec *record) traceRetry(d *deployment, e *providers.Error) {
	if rec.trace == nil {
		return
	}
	rec.trace.span.AddEvent("sira.retry", trace.WithAttributes(attrDeployment.String(d.id),
		attrErrorType.String(e.Kind.String())))
}

// traceBackoff notes the wait before a retry, or (ok false) that the
// upstream's Retry-After was longer than max_backoff and the deployment
// is given up.
func (rec *record) traceBackoff(d *deployment, wait time.Duration, ok bool) {
	if rec.trace == nil {
		return
	}
	if !ok {
		rec.trace.span.AddEvent("sira.backoff.skipped", trace.WithAttributes(attrDeployment.String(d.id)))
		return
	}
	rec.trace.span.AddEvent("sira.backoff", trace.WithAttributes(attrDeployment.String(d.id),
		attrBackoff.Float64(wait.Seconds())))
}

// traceFallback notes the move from one deployment to the next.
func (rec *record) traceFallback(from, to *deployment) {
	if rec.trace == nil {
		return
	}
	rec.trace.span.AddEvent("sira.fallback", trace.WithAttributes(
		attribute.String("sira.fallback.from", from.id), attribute.String("sira.fallback.to", to.id)))
}

// traceRefused notes a deployment skipped without a call: its breaker is
// open or cooling down, or none of its keys is usable.
func (rec *record) traceRefused(d *deployment, e *providers.Error) {
	if rec.trace == nil {
		return
	}
	name := "sira.breaker.rejected"
	if e.Code != "circuit_open" && e.Code != "rate_limit_exceeded" {
		name = "sira.keys.unavailable"
	}
	rec.trace.span.AddEvent(name, trace.WithAttributes(attrDeployment.String(d.id),
		attrErrorType.String(e.Kind.String()), attribute.String("sira.reason", e.Code)))
}
