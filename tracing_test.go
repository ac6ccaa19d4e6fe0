package aibackends

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
)

// otlpReceiver is an OTLP/HTTP trace receiver: it decodes what the real
// SDK exporter sends with the OTLP protobuf types.
type otlpReceiver struct {
	mu    sync.Mutex
	spans []*tracepb.Span
	bad   []string
}

func newOTLPReceiver(t *testing.T) (*otlpReceiver, string) {
	rc := &otlpReceiver{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body io.Reader = r.Body
		if r.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			body = zr
		}
		raw, _ := io.ReadAll(body)
		var req coltracepb.ExportTraceServiceRequest
		err := proto.Unmarshal(raw, &req)
		rc.mu.Lock()
		defer rc.mu.Unlock()
		if r.URL.Path != "/v1/traces" || r.Header.Get("Content-Type") != "application/x-protobuf" || err != nil {
			rc.bad = append(rc.bad, fmt.Sprintf("%s %s: %v", r.URL.Path, r.Header.Get("Content-Type"), err))
			http.Error(w, "bad export", http.StatusBadRequest)
			return
		}
		for _, rs := range req.ResourceSpans {
			for _, ss := range rs.ScopeSpans {
				rc.spans = append(rc.spans, ss.Spans...)
			}
		}
		out, _ := proto.Marshal(&coltracepb.ExportTraceServiceResponse{})
		w.Header().Set("Content-Type", "application/x-protobuf")
		_, _ = w.Write(out)
	}))
	t.Cleanup(srv.Close)
	return rc, srv.URL + "/v1/traces"
}

// tracedDo serves one request under a server span started from a real
// TracerProvider exporting OTLP/HTTP to a receiver, as Caddy's tracing
// handler would, and returns the response, the exported spans and the
// server span's context.
func tracedDo(t *testing.T, h *Handler, body string, header ...string) (*httptest.ResponseRecorder, []*tracepb.Span, trace.SpanContext) {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/v1/chat/completions", strings.NewReader(body))
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	return tracedDoRequest(t, h, r)
}

func tracedDoRequest(t *testing.T, h *Handler, r *http.Request) (*httptest.ResponseRecorder, []*tracepb.Span, trace.SpanContext) {
	t.Helper()
	rc, endpoint := newOTLPReceiver(t)
	exp, err := otlptracehttp.New(context.Background(), otlptracehttp.WithEndpointURL(endpoint))
	if err != nil {
		t.Fatal(err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp))
	ctx, server := tp.Tracer("caddy-test").Start(context.Background(), "POST "+r.URL.Path,
		trace.WithSpanKind(trace.SpanKindServer))
	r = r.WithContext(ctx)
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	if err := h.ServeHTTP(w, r, nil); err != nil {
		t.Fatal(err)
	}
	server.End()
	if err := tp.Shutdown(context.Background()); err != nil { // flushes the batch
		t.Fatal(err)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.bad) > 0 {
		t.Fatalf("receiver refused exports: %v", rc.bad)
	}
	return w, rc.spans, server.SpanContext()
}

func spanAttrs(s *tracepb.Span) map[string]*commonpb.AnyValue {
	m := make(map[string]*commonpb.AnyValue, len(s.Attributes))
	for _, kv := range s.Attributes {
		m[kv.Key] = kv.Value
	}
	return m
}

func eventNames(s *tracepb.Span) []string {
	var names []string
	for _, e := range s.Events {
		names = append(names, e.Name)
	}
	return names
}

func wantStr(t *testing.T, span string, a map[string]*commonpb.AnyValue, key, want string) {
	t.Helper()
	if got := a[key].GetStringValue(); got != want {
		t.Errorf("%s: %s = %q, want %q", span, key, got, want)
	}
}

func wantInt(t *testing.T, span string, a map[string]*commonpb.AnyValue, key string, want int64) {
	t.Helper()
	if v, ok := a[key]; !ok || v.GetIntValue() != want {
		t.Errorf("%s: %s = %v, want %d", span, key, v, want)
	}
}

// TestTracingStreamRetryFallback: a streamed chat whose first deployment
// fails twice (one retry) before the second answers gives, under Caddy's
// server span, one operation span and three CLIENT attempt spans with the
// GenAI attributes, the routing and retry events, and the upstream got the
// answering attempt's traceparent.
func TestTracingStreamRetryFallback(t *testing.T) {
	var mu sync.Mutex
	traceparents := map[string][]string{}
	capture := func(name string) func(*http.Request) {
		return func(r *http.Request) {
			mu.Lock()
			traceparents[name] = append(traceparents[name], r.Header.Get("traceparent"))
			mu.Unlock()
		}
	}
	sa, _ := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{Fail: fakeupstream.OpenAIErrorFor(503), OnRequest: capture("a")})
	sb, _ := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{Reply: "from b", OnRequest: capture("b"),
		CachedTokens: 3, ReasoningTokens: 1})
	h := pipeHandler(t, fmt.Sprintf(`{%s,"providers":[
		{"type":"openai_compatible","name":"a","base_url":%q,"models":["m"],"max_retries":1},
		{"type":"openai_compatible","name":"b","base_url":%q,"models":["m"]}]}`, pipeFast, sa.URL+"/v1", sb.URL+"/v1"))

	body := `{"model":"m","stream":true,"stream_options":{"include_usage":true},"max_tokens":50,"temperature":0.5,"top_p":0.9,
		"messages":[{"role":"user","content":"hello"}]}`
	w, spans, server := tracedDo(t, h, body)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"content":"from"`) {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	if len(spans) != 5 {
		t.Fatalf("exported %d spans, want 5 (server, operation, 3 attempts)", len(spans))
	}
	traceID := server.TraceID()
	var op *tracepb.Span
	var attempts []*tracepb.Span
	for _, s := range spans {
		if !bytes.Equal(s.TraceId, traceID[:]) {
			t.Errorf("span %q is in another trace", s.Name)
		}
		switch {
		case s.Kind == tracepb.Span_SPAN_KIND_INTERNAL:
			op = s
		case s.Kind == tracepb.Span_SPAN_KIND_CLIENT:
			attempts = append(attempts, s)
		}
	}
	if op == nil || len(attempts) != 3 {
		t.Fatalf("operation span %v, %d attempt spans", op, len(attempts))
	}
	serverID := server.SpanID()
	if op.Name != "chat m" || !bytes.Equal(op.ParentSpanId, serverID[:]) {
		t.Errorf("operation span %q, parent %x, want \"chat m\" under the server span %s", op.Name, op.ParentSpanId, serverID)
	}
	oa := spanAttrs(op)
	wantStr(t, "operation", oa, "gen_ai.operation.name", "chat")
	wantStr(t, "operation", oa, "gen_ai.request.model", "m")
	wantStr(t, "operation", oa, "gen_ai.provider.name", "openai_compatible")
	wantStr(t, "operation", oa, "sira.deployment", "b/m")
	wantInt(t, "operation", oa, "gen_ai.request.max_tokens", 50)
	wantInt(t, "operation", oa, "sira.retries", 1)
	wantInt(t, "operation", oa, "sira.fallbacks", 1)
	wantInt(t, "operation", oa, "http.response.status_code", 200)
	if oa["gen_ai.request.temperature"].GetDoubleValue() != 0.5 || oa["gen_ai.request.top_p"].GetDoubleValue() != 0.9 {
		t.Errorf("temperature %v, top_p %v", oa["gen_ai.request.temperature"], oa["gen_ai.request.top_p"])
	}
	if !oa["gen_ai.request.stream"].GetBoolValue() {
		t.Error("operation: gen_ai.request.stream is not true")
	}
	if _, ok := oa["sira.cost_usd"]; !ok {
		t.Error("operation: no sira.cost_usd")
	}
	if oa["gen_ai.usage.input_tokens"].GetIntValue() <= 0 || oa["gen_ai.usage.output_tokens"].GetIntValue() <= 0 {
		t.Errorf("operation usage: %v / %v", oa["gen_ai.usage.input_tokens"], oa["gen_ai.usage.output_tokens"])
	}
	if _, ok := oa["gen_ai.input.messages"]; ok {
		t.Error("prompt content on the span without tracing_content")
	}
	if got := strings.Join(eventNames(op), ","); got != "sira.routing.decision,sira.backoff,sira.retry,sira.fallback" {
		t.Errorf("operation events: %s", got)
	}
	decision := spanAttrs(&tracepb.Span{Attributes: op.Events[0].Attributes})
	wantStr(t, "routing decision", decision, "sira.deployment", "a/m")
	if decision["sira.routing.strategy"].GetStringValue() == "" {
		t.Error("routing decision without a strategy")
	}

	byDeployment := map[string][]*tracepb.Span{}
	for _, s := range attempts {
		a := spanAttrs(s)
		byDeployment[a["sira.deployment"].GetStringValue()] = append(byDeployment[a["sira.deployment"].GetStringValue()], s)
		if s.Name != "chat m" || !bytes.Equal(s.ParentSpanId, op.SpanId) {
			t.Errorf("attempt %q, parent %x, want \"chat m\" under the operation span", s.Name, s.ParentSpanId)
		}
		wantStr(t, "attempt", a, "gen_ai.operation.name", "chat")
		wantStr(t, "attempt", a, "gen_ai.provider.name", "openai_compatible")
		wantStr(t, "attempt", a, "server.address", "127.0.0.1")
	}
	if len(byDeployment["a/m"]) != 2 || len(byDeployment["b/m"]) != 1 {
		t.Fatalf("attempts per deployment: a %d, b %d", len(byDeployment["a/m"]), len(byDeployment["b/m"]))
	}
	for i, s := range byDeployment["a/m"] {
		a := spanAttrs(s)
		wantInt(t, "failed attempt", a, "sira.attempt", int64(i+1))
		wantStr(t, "failed attempt", a, "error.type", "overloaded")
		wantInt(t, "failed attempt", a, "http.response.status_code", 503)
		if s.Status.GetCode() != tracepb.Status_STATUS_CODE_ERROR {
			t.Errorf("failed attempt status %v", s.Status)
		}
	}
	b := byDeployment["b/m"][0]
	ba := spanAttrs(b)
	u, _ := url.Parse(sb.URL)
	port, _ := strconv.Atoi(u.Port())
	wantInt(t, "answering attempt", ba, "server.port", int64(port))
	wantInt(t, "answering attempt", ba, "sira.attempt", 3)
	if _, ok := ba["error.type"]; ok {
		t.Error("answering attempt has error.type")
	}
	if _, ok := ba["gen_ai.response.time_to_first_chunk"]; !ok {
		t.Error("answering attempt: no time to first chunk")
	}
	if ba["gen_ai.response.id"].GetStringValue() == "" || ba["gen_ai.response.model"].GetStringValue() == "" {
		t.Errorf("answering attempt: response id %v, model %v", ba["gen_ai.response.id"], ba["gen_ai.response.model"])
	}
	if fr := ba["gen_ai.response.finish_reasons"].GetArrayValue().GetValues(); len(fr) != 1 || fr[0].GetStringValue() != "stop" {
		t.Errorf("finish reasons %v", fr)
	}
	if ba["gen_ai.usage.output_tokens"].GetIntValue() <= 0 {
		t.Errorf("answering attempt usage: %v", ba["gen_ai.usage.output_tokens"])
	}
	wantInt(t, "answering attempt", ba, "gen_ai.usage.cache_read.input_tokens", 3)
	wantInt(t, "answering attempt", ba, "gen_ai.usage.reasoning.output_tokens", 1)
	wantInt(t, "operation", oa, "gen_ai.usage.cache_read.input_tokens", 3)
	if got := strings.Join(eventNames(b), ","); got != "gen_ai.first_chunk" {
		t.Errorf("answering attempt events: %s", got)
	}
	wantStr(t, "operation", oa, "gen_ai.response.id", ba["gen_ai.response.id"].GetStringValue())

	// Each upstream request carried its own attempt span's traceparent.
	mu.Lock()
	defer mu.Unlock()
	want := "00-" + hex.EncodeToString(traceID[:]) + "-" + hex.EncodeToString(b.SpanId) + "-01"
	if got := traceparents["b"]; len(got) != 1 || got[0] != want {
		t.Errorf("b's traceparent %v, want %s", got, want)
	}
	if got := traceparents["a"]; len(got) != 2 || got[0] == got[1] || !strings.HasPrefix(got[0], "00-"+hex.EncodeToString(traceID[:])) {
		t.Errorf("a's traceparents %v", got)
	}
}

// TestTracingContentAndTraceContextOff: tracing_content puts the redacted
// prompt and answer on the operation span, cut to its size; trace_context
// off keeps traceparent from the upstream.
func TestTracingContentAndTraceContextOff(t *testing.T) {
	var got []string
	var mu sync.Mutex
	s, _ := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{Reply: "the answer is 42", OnRequest: func(r *http.Request) {
		mu.Lock()
		got = append(got, r.Header.Get("traceparent"))
		mu.Unlock()
	}})
	h := pipeHandler(t, fmt.Sprintf(`{"tracing_content":24,"providers":[
		{"type":"openai_compatible","name":"a","base_url":%q,"models":["m"],"trace_context":false}]}`, s.URL+"/v1"))
	secret := "sk-proj-" + strings.Repeat("Ab1", 16)
	body := `{"model":"m","messages":[{"role":"user","content":"key ` + secret + ` please and a long tail of text"}]}`
	w, spans, _ := tracedDo(t, h, body)
	if w.Code != 200 {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	var op *tracepb.Span
	for _, s := range spans {
		if s.Kind == tracepb.Span_SPAN_KIND_INTERNAL {
			op = s
		}
	}
	if op == nil {
		t.Fatal("no operation span")
	}
	a := spanAttrs(op)
	in, out := a["gen_ai.input.messages"].GetStringValue(), a["gen_ai.output.messages"].GetStringValue()
	if strings.Contains(in, "sk-proj") || strings.Contains(in, "Ab1Ab1") || !strings.HasPrefix(in, `[{"role":"user","parts":[{"type":"text","content":"key `) {
		t.Errorf("input messages not redacted or not in the conventions' shape: %s", in)
	}
	if strings.Contains(in, "tail") {
		t.Errorf("input messages not cut to 24 bytes: %s", in)
	}
	if !strings.Contains(out, `"content":"the answer is 42"`) || !strings.Contains(out, `"finish_reason":"stop"`) {
		t.Errorf("output messages: %s", out)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0] != "" {
		t.Errorf("traceparent sent with trace_context off: %q", got)
	}
}

// TestTracingOffCreatesNothing: without a recording span in the context
// the record gets no span, the upstream no traceparent, and a request
// allocates exactly as much as one under a non-recording span.
func TestTracingOffCreatesNothing(t *testing.T) {
	var got []string
	var mu sync.Mutex
	s, _ := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{OnRequest: func(r *http.Request) {
		mu.Lock()
		got = append(got, r.Header.Get("traceparent"))
		mu.Unlock()
	}})
	h := pipeHandler(t, fmt.Sprintf(`{"tracing_content":1024,"providers":[
		{"type":"openai_compatible","name":"a","base_url":%q,"models":["m"]}]}`, s.URL+"/v1"))
	body := pipeChat("m", false)
	r := httptest.NewRequest(http.MethodPost, "/v1/chat/completions", nil)
	spec, params, _, _ := routeRequest(r.Method, r.URL.Path)
	if rec := h.newRecord(r, spec, params); rec.trace != nil {
		t.Fatal("a span without a tracer")
	}
	_, noopSpan := noop.NewTracerProvider().Tracer("").Start(context.Background(), "x")
	noopCtx := trace.ContextWithSpan(context.Background(), noopSpan)
	serve := func(ctx context.Context) {
		r := httptest.NewRequest(http.MethodPost, "/v1/chat/completions", strings.NewReader(body)).WithContext(ctx)
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		_ = h.ServeHTTP(w, r, nil)
		if w.Code != 200 {
			t.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
	serve(context.Background()) // warm up pools
	plain := testing.AllocsPerRun(20, func() { serve(context.Background()) })
	underNoop := testing.AllocsPerRun(20, func() { serve(noopCtx) })
	if underNoop > plain+1 && !raceEnabled { // one of slack: the HTTP client's pools vary
		t.Errorf("a non-recording span costs allocations: %.0f vs %.0f", underNoop, plain)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, tp := range got {
		if tp != "" {
			t.Fatalf("traceparent %q sent without a span", tp)
		}
	}
}

// TestTracingCacheHitAndEmbeddings: an answer from the cache is an
// operation span with sira.cache=hit and no attempt span; an embeddings
// call is an "embeddings {model}" operation with its attempt.
func TestTracingCacheHitAndEmbeddings(t *testing.T) {
	s, rec := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{})
	h := pipeHandler(t, fmt.Sprintf(`{"cache":{"all_requests":true},"providers":[
		{"type":"openai","name":"a","base_url":%q,"api_keys":[{"value":"k"}],"models":["m","e"],
		"model_map":{"e":"text-embedding-3-small"}}]}`, s.URL+"/v1"))
	body := pipeChat("m", false)
	if w := pipeDo(t, h, http.MethodPost, "/v1/chat/completions", body); w.Code != 200 {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	w, spans, _ := tracedDo(t, h, body)
	if w.Code != 200 || rec.Count() != 1 {
		t.Fatalf("status %d, upstream saw %d requests", w.Code, rec.Count())
	}
	if len(spans) != 2 || spans[0].Kind != tracepb.Span_SPAN_KIND_INTERNAL {
		t.Fatalf("cache hit: %d spans, want the operation and the server span", len(spans))
	}
	wantStr(t, "cache hit", spanAttrs(spans[0]), "sira.cache", "hit")

	r := httptest.NewRequest(http.MethodPost, "/v1/embeddings", strings.NewReader(`{"model":"e","input":"hi"}`))
	_, spans, _ = tracedDoRequest(t, h, r)
	names := map[string]tracepb.Span_SpanKind{}
	for _, s := range spans {
		names[s.Name] = s.Kind
	}
	if len(spans) != 3 || names["embeddings e"] != tracepb.Span_SPAN_KIND_INTERNAL ||
		names["embeddings text-embedding-3-small"] != tracepb.Span_SPAN_KIND_CLIENT {
		t.Fatalf("embeddings spans: %v", names)
	}
	for _, s := range spans {
		a := spanAttrs(s)
		switch s.Kind {
		case tracepb.Span_SPAN_KIND_CLIENT:
			wantStr(t, "embeddings attempt", a, "gen_ai.operation.name", "embeddings")
			wantStr(t, "embeddings attempt", a, "gen_ai.provider.name", "openai")
			wantStr(t, "embeddings attempt", a, "gen_ai.request.model", "text-embedding-3-small")
		case tracepb.Span_SPAN_KIND_INTERNAL:
			wantStr(t, "embeddings operation", a, "gen_ai.request.model", "e")
		}
	}
}

// TestTracingBreakerRejection: a deployment whose breaker is open is
// skipped without an attempt span, and the operation span says why.
func TestTracingBreakerRejection(t *testing.T) {
	sa, ra := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{Fail: fakeupstream.OpenAIErrorFor(500)})
	sb, _ := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{})
	h := pipeHandler(t, fmt.Sprintf(`{%s,"routing":{"allow_override":true},
		"circuit_breaker":{"failure_threshold":1,"recovery_timeout":3600000000000},"providers":[
		{"type":"openai_compatible","name":"a","base_url":%q,"models":["m"],"max_retries":0},
		{"type":"openai_compatible","name":"b","base_url":%q,"models":["m"]}]}`, pipeFast, sa.URL+"/v1", sb.URL+"/v1"))
	if w := pipeDo(t, h, http.MethodPost, "/v1/chat/completions", pipeChat("m", false)); w.Code != 200 || ra.Count() != 1 {
		t.Fatalf("status %d, a saw %d", w.Code, ra.Count())
	}
	// X-AI-Fallback puts a first again: the router alone would skip it.
	w, spans, _ := tracedDo(t, h, pipeChat("m", false), "X-AI-Fallback", "a,b")
	if w.Code != 200 || ra.Count() != 1 {
		t.Fatalf("status %d, a saw %d", w.Code, ra.Count())
	}
	var clients int
	var events []string
	for _, s := range spans {
		if s.Kind == tracepb.Span_SPAN_KIND_CLIENT {
			clients++
		}
		if s.Kind == tracepb.Span_SPAN_KIND_INTERNAL {
			events = eventNames(s)
		}
	}
	if clients != 1 || !strings.Contains(strings.Join(events, ","), "sira.breaker.rejected") {
		t.Errorf("%d attempt spans, events %v", clients, events)
	}
}
