package google

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// Gemini reports failures as google.rpc.Status:
//
//	{"error":{"code":429,"message":"...","status":"RESOURCE_EXHAUSTED","details":[...]}}
//
// The status names the kind more precisely than the HTTP code:
//
//	INVALID_ARGUMENT, OUT_OF_RANGE  → invalid request (the upstream's 4xx kept)
//	  … with ErrorInfo.reason API_KEY_INVALID / API_KEY_EXPIRED → auth
//	    (Gemini answers 400, not 401, for a bad key)
//	FAILED_PRECONDITION             → permission: Google uses it for an account
//	                                  that cannot use the API (free tier not in the
//	                                  country, billing off); another provider may serve
//	UNAUTHENTICATED                 → auth
//	PERMISSION_DENIED               → permission
//	NOT_FOUND                       → not found
//	RESOURCE_EXHAUSTED              → rate limited, RetryInfo.retryDelay as retry-after;
//	                                  quota (no retry, fallback) when QuotaFailure names a
//	                                  per-day quota, which waiting seconds cannot fix
//	UNAVAILABLE                     → overloaded
//	DEADLINE_EXCEEDED               → timeout
//	UNIMPLEMENTED                   → unsupported
//	INTERNAL, UNKNOWN, other        → upstream
//
// References: https://ai.google.dev/gemini-api/docs/troubleshooting,
// https://cloud.google.com/apis/design/errors.

// errorDetail is one entry of details; only the fields used are decoded.
type errorDetail struct {
	Type       string `json:"@type"`
	Reason     string `json:"reason"`     // ErrorInfo
	RetryDelay string `json:"retryDelay"` // RetryInfo
	Violations []struct {
		QuotaID     string `json:"quotaId"`
		QuotaMetric string `json:"quotaMetric"`
	} `json:"violations"` // QuotaFailure
}

// parseStatus reads a google.rpc.Status error body. Google sometimes wraps
// it in an array (streams without alt=sse); both forms are accepted.
func parseStatus(body []byte) *rpcStatus {
	body = bytes.TrimSpace(body)
	var env struct {
		Error *rpcStatus `json:"error"`
	}
	if len(body) > 0 && body[0] == '[' {
		var list []json.RawMessage
		if json.Unmarshal(body, &list) != nil || len(list) == 0 {
			return nil
		}
		body = list[0]
	}
	if json.Unmarshal(body, &env) != nil {
		return nil
	}
	return env.Error
}

// upstreamError classifies a non-2xx answer. The caller scrubs it
// (providers.Config.Post does).
func upstreamError(provider string, status int, h http.Header, body []byte) *providers.Error {
	return statusError(provider, status, h, parseStatus(body))
}

// statusError classifies an HTTP status plus its google.rpc.Status (nil when
// the body had none). It also serves error events inside a stream, whose
// HTTP status was 200: then httpStatus is the Status's own code.
func statusError(provider string, httpStatus int, h http.Header, st *rpcStatus) *providers.Error {
	if httpStatus == 0 && st != nil {
		httpStatus = st.Code
	}
	if httpStatus == 0 {
		httpStatus = http.StatusInternalServerError
	}
	var message, code string
	var details []errorDetail
	if st != nil {
		message, code = st.Message, st.Status
		for _, raw := range st.Details {
			var d errorDetail
			if json.Unmarshal(raw, &d) == nil {
				details = append(details, d)
			}
		}
	}
	e := providers.FromUpstream(provider, httpStatus, h, message, code)
	kind, known := kindForStatus(code, details)
	if !known {
		return e // no (known) status: the HTTP code decided
	}
	e.Kind = kind
	if reason := errorReason(details); reason != "" {
		e.Code = reason
	}
	e.Status = 0
	if (e.Kind == providers.KindInvalidRequest || e.Kind == providers.KindNotFound) && httpStatus >= 400 && httpStatus < 500 {
		e.Status = httpStatus // the client's request was at fault: keep the exact status
	}
	if e.Kind == providers.KindRateLimited && e.RetryAfter == 0 {
		e.RetryAfter = retryDelay(details)
	}
	return e
}

// statusKinds maps the google.rpc code names (see the table above).
var statusKinds = map[string]providers.Kind{
	"INVALID_ARGUMENT":    providers.KindInvalidRequest,
	"OUT_OF_RANGE":        providers.KindInvalidRequest,
	"FAILED_PRECONDITION": providers.KindPermission,
	"PERMISSION_DENIED":   providers.KindPermission,
	"UNAUTHENTICATED":     providers.KindAuth,
	"NOT_FOUND":           providers.KindNotFound,
	"RESOURCE_EXHAUSTED":  providers.KindRateLimited,
	"UNAVAILABLE":         providers.KindOverloaded,
	"DEADLINE_EXCEEDED":   providers.KindTimeout,
	"UNIMPLEMENTED":       providers.KindUnsupported,
	"INTERNAL":            providers.KindUpstream,
	"UNKNOWN":             providers.KindUpstream,
	"DATA_LOSS":           providers.KindUpstream,
	"ABORTED":             providers.KindUpstream,
	"CANCELLED":           providers.KindUpstream,
}

// kindForStatus maps a google.rpc code name, refined by its details; false
// when the name is unknown or absent.
func kindForStatus(status string, details []errorDetail) (providers.Kind, bool) {
	kind, ok := statusKinds[status]
	switch {
	case kind == providers.KindInvalidRequest:
		if reason := errorReason(details); reason == "API_KEY_INVALID" || reason == "API_KEY_EXPIRED" {
			return providers.KindAuth, true
		}
	case kind == providers.KindRateLimited && dailyQuota(details):
		return providers.KindQuota, true
	}
	return kind, ok
}

// errorReason is the ErrorInfo reason, e.g. API_KEY_INVALID.
func errorReason(details []errorDetail) string {
	for _, d := range details {
		if strings.HasSuffix(d.Type, "google.rpc.ErrorInfo") && d.Reason != "" {
			return d.Reason
		}
	}
	return ""
}

// retryDelay reads RetryInfo.retryDelay, a protobuf Duration ("13s",
// "0.5s").
func retryDelay(details []errorDetail) time.Duration {
	for _, d := range details {
		if !strings.HasSuffix(d.Type, "google.rpc.RetryInfo") || d.RetryDelay == "" {
			continue
		}
		if dur, err := time.ParseDuration(d.RetryDelay); err == nil && dur > 0 {
			return dur
		}
	}
	return 0
}

// dailyQuota reports whether a QuotaFailure names a per-day quota (e.g.
// GenerateRequestsPerDayPerProjectPerModel-FreeTier).
func dailyQuota(details []errorDetail) bool {
	for _, d := range details {
		if !strings.HasSuffix(d.Type, "google.rpc.QuotaFailure") {
			continue
		}
		for _, v := range d.Violations {
			if strings.Contains(v.QuotaID, "PerDay") {
				return true
			}
		}
	}
	return false
}
