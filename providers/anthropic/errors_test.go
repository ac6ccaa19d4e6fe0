package anthropic

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// TestHTTPErrorClassification runs each upstream failure through the fake,
// for both Chat and ChatStream (which must fail before any chunk).
func TestHTTPErrorClassification(t *testing.T) {
	retry := http.Header{"Retry-After": {"7"}}
	tests := []struct {
		name      string
		opts      fakeupstream.AnthropicOptions
		kind      providers.Kind
		status    int // for the client
		retryable bool
		after     time.Duration
	}{
		{"429 rate limit with retry-after", fakeupstream.AnthropicOptions{Status: 429, Header: retry}, providers.KindRateLimited, 429, true, 7 * time.Second},
		{"529 overloaded", fakeupstream.AnthropicOptions{Status: 529, Header: retry}, providers.KindOverloaded, 503, true, 7 * time.Second},
		{"401 bad key", fakeupstream.AnthropicOptions{APIKey: "other"}, providers.KindAuth, 401, false, 0},
		{"403 permission", fakeupstream.AnthropicOptions{Status: 403}, providers.KindPermission, 403, false, 0},
		{"400 invalid", fakeupstream.AnthropicOptions{Status: 400, ErrorMessage: "messages.0: bad"}, providers.KindInvalidRequest, 400, false, 0},
		{"404 model", fakeupstream.AnthropicOptions{Status: 404, ErrorMessage: "model: nope"}, providers.KindNotFound, 404, false, 0},
		{"413 too large", fakeupstream.AnthropicOptions{Status: 413}, providers.KindInvalidRequest, 413, false, 0},
		{"500 api error", fakeupstream.AnthropicOptions{Status: 500}, providers.KindUpstream, 502, true, 0},
		{"402 billing", fakeupstream.AnthropicOptions{Status: 402}, providers.KindQuota, 429, false, 0},
		{"503 overloaded body", fakeupstream.AnthropicOptions{Status: 503, ErrorType: "overloaded_error"}, providers.KindOverloaded, 503, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := fakeupstream.NewAnthropic(tt.opts)
			defer srv.Close()
			p := newProvider(t, srv.URL, nil)
			req := unified(t, `{"model":"m","messages":[{"role":"user","content":"x"}]}`)
			for _, call := range []func() error{
				func() error { _, err := p.Chat(context.Background(), target, req); return err },
				func() error { _, err := p.ChatStream(context.Background(), target, req); return err },
			} {
				var e *providers.Error
				if err := call(); !errors.As(err, &e) {
					t.Fatalf("error %v", err)
				}
				if e.Kind != tt.kind || e.HTTPStatus() != tt.status || e.Retryable() != tt.retryable || e.RetryAfter != tt.after {
					t.Errorf("got kind %v status %d retryable %v after %v (%v)", e.Kind, e.HTTPStatus(), e.Retryable(), e.RetryAfter, e)
				}
				if e.Provider != "claude" || e.Message == "" || strings.Contains(e.Error(), testKey) {
					t.Errorf("provider %q message %q", e.Provider, e.Message)
				}
			}
		})
	}
}

func TestUpstreamErrorBodies(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		kind    providers.Kind
		status2 int
		code    string
	}{
		{"spend limit 429 is quota", 429, `{"type":"error","error":{"type":"rate_limit_error","message":"spend","details":{"error_code":"enforced_spend_limit_reached"}}}`, providers.KindQuota, 429, "enforced_spend_limit_reached"},
		{"html from a proxy", 502, `<html>bad gateway</html>`, providers.KindUpstream, 502, ""},
		{"empty body 400", 400, ``, providers.KindInvalidRequest, 400, ""},
		{"request_too_large body", 413, `{"type":"error","error":{"type":"request_too_large","message":"Request exceeds the maximum size"}}`, providers.KindInvalidRequest, 413, "request_too_large"},
		{"timeout 504", 504, `{"type":"error","error":{"type":"timeout_error","message":"slow"}}`, providers.KindTimeout, 504, "timeout_error"},
		{"not found body", 404, `{"type":"error","error":{"type":"not_found_error","message":"model: claude-x"},"request_id":"req_1"}`, providers.KindNotFound, 404, "not_found_error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := upstreamError("claude", tt.status, http.Header{}, []byte(tt.body))
			if e.Kind != tt.kind || e.HTTPStatus() != tt.status2 || e.Code != tt.code || e.Upstream != tt.status {
				t.Errorf("kind %v status %d code %q upstream %d", e.Kind, e.HTTPStatus(), e.Code, e.Upstream)
			}
		})
	}
	e := upstreamError("claude", 404, http.Header{}, []byte(`{"type":"error","error":{"type":"not_found_error","message":"m"},"request_id":"req_1"}`))
	if e.Err == nil || !strings.Contains(e.Err.Error(), "req_1") {
		t.Errorf("request id not kept for logs: %v", e.Err)
	}
}
