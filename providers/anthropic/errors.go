package anthropic

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// upstreamError classifies a non-2xx answer from the Messages API
// (https://docs.anthropic.com/en/api/errors). The status decides first
// (providers.FromUpstream); the error type in the body refines it:
//
//	400 invalid_request_error → InvalidRequest     413 request_too_large → InvalidRequest (413 kept)
//	401 authentication_error  → Auth               429 rate_limit_error  → RateLimited (retry-after)
//	402 billing_error         → Quota              500 api_error         → Upstream
//	403 permission_error      → Permission         529 overloaded_error  → Overloaded (retryable)
//	404 not_found_error       → NotFound
//
// A 429 whose details carry error_code enforced_spend_limit_reached is a
// spend limit, not a rate limit: Quota, so it is not retried.
func upstreamError(provider string, status int, h http.Header, body []byte) *providers.Error {
	var w wireErrorBody
	_ = json.Unmarshal(body, &w)
	var typ, msg, code string
	if w.Error != nil {
		typ, msg = w.Error.Type, w.Error.Message
		if w.Error.Details != nil {
			code = w.Error.Details.ErrorCode
		}
	}
	e := providers.FromUpstream(provider, status, h, msg, typ)
	if kind, ok := kindForType(typ); ok {
		setKind(e, kind, status)
	}
	switch {
	case status == http.StatusPaymentRequired:
		setKind(e, providers.KindQuota, status)
	case code == "enforced_spend_limit_reached":
		setKind(e, providers.KindQuota, status)
		e.Code = code
	case status == http.StatusRequestEntityTooLarge:
		setKind(e, providers.KindInvalidRequest, status)
	}
	requestID := w.RequestID
	if requestID == "" && h != nil {
		requestID = h.Get("Request-Id")
	}
	if requestID != "" {
		e.Err = errors.New("anthropic request_id " + requestID)
	}
	return e
}

// setKind changes an error's kind. Client errors keep the upstream's 4xx
// status (413 stays 413); other kinds take the status their kind implies.
func setKind(e *providers.Error, kind providers.Kind, status int) {
	e.Kind = kind
	e.Status = 0
	if (kind == providers.KindInvalidRequest || kind == providers.KindNotFound) && status >= 400 && status < 500 {
		e.Status = status
	}
}

// kindForType maps Anthropic's error types to kinds.
func kindForType(typ string) (providers.Kind, bool) {
	switch typ {
	case "invalid_request_error", "request_too_large":
		return providers.KindInvalidRequest, true
	case "authentication_error":
		return providers.KindAuth, true
	case "permission_error":
		return providers.KindPermission, true
	case "not_found_error":
		return providers.KindNotFound, true
	case "billing_error":
		return providers.KindQuota, true
	case "rate_limit_error":
		return providers.KindRateLimited, true
	case "overloaded_error":
		return providers.KindOverloaded, true
	case "timeout_error":
		return providers.KindTimeout, true
	case "api_error":
		return providers.KindUpstream, true
	}
	return 0, false
}

// streamError classifies an error event that arrived after the stream
// started (HTTP 200 already sent), e.g. overloaded_error.
func streamError(w *wireError) *providers.Error {
	if w == nil {
		return &providers.Error{Kind: providers.KindUpstream, Message: "upstream sent an error event without details"}
	}
	kind, ok := kindForType(w.Type)
	if !ok {
		kind = providers.KindUpstream
	}
	msg := w.Message
	if msg == "" {
		msg = "upstream stream failed: " + w.Type
	}
	e := &providers.Error{Kind: kind, Code: w.Type, Message: msg}
	if w.Type == "request_too_large" {
		e.Status = http.StatusRequestEntityTooLarge
	}
	return e
}
