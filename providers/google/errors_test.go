package google

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

func TestUpstreamErrorClassification(t *testing.T) {
	const (
		errorInfo = `{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"%s","domain":"googleapis.com","metadata":{"service":"generativelanguage.googleapis.com"}}`
		perMinute = `{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaMetric":"generativelanguage.googleapis.com/generate_content_free_tier_requests","quotaId":"GenerateRequestsPerMinutePerProjectPerModel-FreeTier"}]}`
		perDay    = `{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaMetric":"generativelanguage.googleapis.com/generate_content_free_tier_requests","quotaId":"GenerateRequestsPerDayPerProjectPerModel-FreeTier"}]}`
		retry     = `{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"13.5s"}`
	)
	body := func(code int, status, details string) string {
		return `{"error":{"code":` + itoa64(int64(code)) + `,"message":"msg","status":"` + status + `","details":[` + details + `]}}`
	}
	tests := []struct {
		name       string
		status     int
		body       string
		wantKind   providers.Kind
		wantStatus int // what the client gets
		wantCode   string
		wantRetry  time.Duration
	}{
		{"invalid argument", 400, body(400, "INVALID_ARGUMENT", ""), providers.KindInvalidRequest, 400, "INVALID_ARGUMENT", 0},
		{"bad key", 400, body(400, "INVALID_ARGUMENT", fmt.Sprintf(errorInfo, "API_KEY_INVALID")), providers.KindAuth, 401, "API_KEY_INVALID", 0},
		{"expired key", 400, body(400, "INVALID_ARGUMENT", fmt.Sprintf(errorInfo, "API_KEY_EXPIRED")), providers.KindAuth, 401, "API_KEY_EXPIRED", 0},
		{"out of range", 400, body(400, "OUT_OF_RANGE", ""), providers.KindInvalidRequest, 400, "OUT_OF_RANGE", 0},
		{"failed precondition", 400, body(400, "FAILED_PRECONDITION", ""), providers.KindPermission, 403, "FAILED_PRECONDITION", 0},
		{"unauthenticated", 401, body(401, "UNAUTHENTICATED", ""), providers.KindAuth, 401, "UNAUTHENTICATED", 0},
		{"permission denied", 403, body(403, "PERMISSION_DENIED", fmt.Sprintf(errorInfo, "SERVICE_DISABLED")), providers.KindPermission, 403, "SERVICE_DISABLED", 0},
		{"not found", 404, body(404, "NOT_FOUND", ""), providers.KindNotFound, 404, "NOT_FOUND", 0},
		{"rate limited", 429, body(429, "RESOURCE_EXHAUSTED", perMinute+","+retry), providers.KindRateLimited, 429, "RESOURCE_EXHAUSTED", 13500 * time.Millisecond},
		{"daily quota", 429, body(429, "RESOURCE_EXHAUSTED", perDay+","+retry), providers.KindQuota, 429, "RESOURCE_EXHAUSTED", 0},
		{"internal", 500, body(500, "INTERNAL", ""), providers.KindUpstream, 502, "INTERNAL", 0},
		{"unavailable", 503, body(503, "UNAVAILABLE", ""), providers.KindOverloaded, 503, "UNAVAILABLE", 0},
		{"deadline", 504, body(504, "DEADLINE_EXCEEDED", ""), providers.KindTimeout, 504, "DEADLINE_EXCEEDED", 0},
		{"unimplemented", 501, body(501, "UNIMPLEMENTED", ""), providers.KindUnsupported, 400, "UNIMPLEMENTED", 0},
		{"array-wrapped", 429, `[` + body(429, "RESOURCE_EXHAUSTED", "") + `]`, providers.KindRateLimited, 429, "RESOURCE_EXHAUSTED", 0},
		{"unknown status: HTTP decides", 409, body(409, "ALREADY_EXISTS", ""), providers.KindInvalidRequest, 409, "ALREADY_EXISTS", 0},
		{"no body", 503, ``, providers.KindOverloaded, 503, "", 0},
		{"not JSON", 500, `<html>oops</html>`, providers.KindUpstream, 502, "", 0},
		{"junk details", 429, `{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","details":[1,"x",{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"soon"}]}}`, providers.KindRateLimited, 429, "RESOURCE_EXHAUSTED", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := upstreamError("g", tt.status, http.Header{}, []byte(tt.body))
			if e.Kind != tt.wantKind || e.HTTPStatus() != tt.wantStatus || e.Code != tt.wantCode || e.RetryAfter != tt.wantRetry {
				t.Errorf("got kind %v status %d code %q retry %v; want %v %d %q %v", e.Kind, e.HTTPStatus(), e.Code, e.RetryAfter,
					tt.wantKind, tt.wantStatus, tt.wantCode, tt.wantRetry)
			}
			if e.Upstream != tt.status || e.Provider != "g" || e.Message == "" {
				t.Errorf("upstream %d provider %q message %q", e.Upstream, e.Provider, e.Message)
			}
		})
	}
}

func TestUpstreamErrorScrubsKey(t *testing.T) {
	cfg := &providers.Config{Name: "g"}
	cfg.Scrubber().Add("AIzaSECRET")
	e := cfg.Scrub(upstreamError("g", 400, nil, []byte(`{"error":{"code":400,"message":"key AIzaSECRET is bad","status":"INVALID_ARGUMENT"}}`)))
	if e.Message != "key "+providers.KeyFingerprint("AIzaSECRET")+" is bad" {
		t.Errorf("message = %q", e.Message)
	}
}
