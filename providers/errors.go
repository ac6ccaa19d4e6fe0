package providers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Kind classifies a failure so that every layer (retry, fallback, breaker,
// metrics, client response) can act on it without parsing messages.
type Kind int

// The kinds of failure.
const (
	KindInternal       Kind = iota // a bug or unexpected state in the gateway
	KindInvalidRequest             // the client's request is wrong; never retried
	KindNotFound                   // unknown model or resource
	KindUnsupported                // the provider lacks the operation
	KindAuth                       // upstream rejected the credentials (401)
	KindPermission                 // upstream forbade the request (403)
	KindQuota                      // spend or quota exhausted: no retry, but another provider may serve
	KindRateLimited                // 429 with an optional retry-after
	KindOverloaded                 // upstream overloaded (Anthropic 529, 503)
	KindTimeout                    // the attempt ran out of time
	KindNetwork                    // connection refused, reset, DNS, truncated stream
	KindUpstream                   // upstream 5xx
	KindUnavailable                // no deployment could take the request (breakers open, all failed)
	KindCanceled                   // the client went away
	KindPolicy                     // the upstream's content policy refused the request (Azure content_filter): no retry, another provider may serve
)

var kindNames = [...]string{
	KindInternal: "internal", KindInvalidRequest: "invalid_request", KindNotFound: "not_found",
	KindUnsupported: "unsupported", KindAuth: "auth", KindPermission: "permission", KindQuota: "quota",
	KindRateLimited: "rate_limited", KindOverloaded: "overloaded", KindTimeout: "timeout",
	KindNetwork: "network", KindUpstream: "upstream", KindUnavailable: "unavailable", KindCanceled: "canceled",
	KindPolicy: "policy",
}

// String returns a stable label, used in metrics and logs.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "internal"
}

// Error is a classified failure. Message is safe to show to clients: it
// never holds credentials.
type Error struct {
	Kind       Kind
	Message    string
	Provider   string        // configured provider name, when an upstream was involved
	Status     int           // HTTP status for the client; 0 = derived from Kind
	Upstream   int           // the upstream's HTTP status, if any
	Code       string        // machine-readable code (OpenAI's "code")
	Param      string        // the offending request field, if known
	RetryAfter time.Duration // the upstream's (or limiter's) advice
	Err        error         // cause, for logs
}

// Errorf builds an Error of the given kind.
func Errorf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

func (e *Error) Error() string {
	if e.Provider != "" {
		return e.Provider + ": " + e.Message
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// HTTPStatus is the status the client receives.
func (e *Error) HTTPStatus() int {
	if e.Status != 0 {
		return e.Status
	}
	switch e.Kind {
	case KindInvalidRequest, KindUnsupported, KindPolicy:
		return http.StatusBadRequest
	case KindNotFound:
		return http.StatusNotFound
	case KindAuth:
		return http.StatusUnauthorized
	case KindPermission:
		return http.StatusForbidden
	case KindQuota, KindRateLimited:
		return http.StatusTooManyRequests
	case KindOverloaded, KindUnavailable:
		return http.StatusServiceUnavailable
	case KindTimeout:
		return http.StatusGatewayTimeout
	case KindNetwork, KindUpstream:
		return http.StatusBadGateway
	case KindCanceled:
		return 499
	}
	return http.StatusInternalServerError
}

// OpenAIType is the "type" of OpenAI's error object.
func (e *Error) OpenAIType() string {
	switch e.Kind {
	case KindInvalidRequest, KindNotFound, KindUnsupported, KindPolicy:
		return "invalid_request_error"
	case KindAuth:
		return "authentication_error"
	case KindPermission:
		return "permission_error"
	case KindQuota:
		return "insufficient_quota"
	case KindRateLimited:
		return "rate_limit_error"
	case KindTimeout:
		return "timeout_error"
	}
	return "server_error"
}

// AnthropicType is the error type in Anthropic's error envelope.
// Anthropic uses invalid_request_error for 4xx statuses it lists no other
// type for (a 405, 408 or 415 here), and timeout_error for 504.
func (e *Error) AnthropicType() string {
	status := e.HTTPStatus()
	switch status {
	case http.StatusUnauthorized:
		return "authentication_error"
	case http.StatusPaymentRequired:
		return "billing_error"
	case http.StatusForbidden:
		return "permission_error"
	case http.StatusNotFound:
		return "not_found_error"
	case http.StatusRequestEntityTooLarge:
		return "request_too_large"
	case http.StatusTooManyRequests:
		return "rate_limit_error"
	case http.StatusServiceUnavailable, 529:
		return "overloaded_error"
	case http.StatusGatewayTimeout:
		return "timeout_error"
	}
	if status >= 400 && status < 500 {
		return "invalid_request_error"
	}
	return "api_error"
}

// Retryable reports whether the same deployment may succeed on another try.
func (e *Error) Retryable() bool {
	switch e.Kind {
	case KindRateLimited, KindOverloaded, KindTimeout, KindNetwork, KindUpstream:
		return true
	}
	return false
}

// Fallback reports whether another deployment may succeed where this one failed.
func (e *Error) Fallback() bool {
	switch e.Kind {
	case KindInvalidRequest, KindCanceled, KindInternal:
		return false
	}
	return true
}

// BreakerFailure reports whether the failure says the deployment is unhealthy
// (as opposed to the client being wrong, or a rate limit, which cools down).
func (e *Error) BreakerFailure() bool {
	switch e.Kind {
	case KindOverloaded, KindTimeout, KindNetwork, KindUpstream:
		return true
	}
	return false
}

// OpenAIBody renders the error as OpenAI's error object.
func (e *Error) OpenAIBody() []byte {
	type body struct {
		Message string  `json:"message"`
		Type    string  `json:"type"`
		Param   *string `json:"param"`
		Code    *string `json:"code"`
	}
	b := body{Message: e.Error(), Type: e.OpenAIType()}
	if e.Param != "" {
		b.Param = &e.Param
	}
	code := e.Code
	if code == "" {
		code = e.Kind.String()
	}
	b.Code = &code
	out, _ := json.Marshal(map[string]body{"error": b})
	return out
}

// AnthropicBody renders the error as Anthropic's error envelope.
func (e *Error) AnthropicBody() []byte {
	out, _ := json.Marshal(map[string]any{
		"type":  "error",
		"error": map[string]string{"type": e.AnthropicType(), "message": e.Error()},
	})
	return out
}

// Classify turns any error into an *Error: classified errors pass through;
// context and network errors are recognised; anything else is internal.
func Classify(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	switch {
	case errors.Is(err, context.Canceled):
		return &Error{Kind: KindCanceled, Message: "request canceled", Err: err}
	case errors.Is(err, context.DeadlineExceeded):
		return &Error{Kind: KindTimeout, Message: "upstream did not answer in time", Err: err}
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		if netErr.Timeout() {
			return &Error{Kind: KindTimeout, Message: "upstream did not answer in time", Err: err}
		}
		return &Error{Kind: KindNetwork, Message: "could not reach upstream", Err: err}
	}
	var opErr *net.OpError
	var dnsErr *net.DNSError
	if errors.As(err, &opErr) || errors.As(err, &dnsErr) {
		return &Error{Kind: KindNetwork, Message: "could not reach upstream", Err: err}
	}
	return &Error{Kind: KindNetwork, Message: "upstream connection failed", Err: err}
}

// KindForStatus maps an upstream HTTP status to a kind; providers refine it
// with their error bodies.
func KindForStatus(status int) Kind {
	switch {
	case status == http.StatusUnauthorized:
		return KindAuth
	case status == http.StatusForbidden:
		return KindPermission
	case status == http.StatusNotFound:
		return KindNotFound
	case status == http.StatusTooManyRequests:
		return KindRateLimited
	case status == http.StatusRequestTimeout || status == http.StatusGatewayTimeout:
		return KindTimeout
	case status == http.StatusServiceUnavailable || status == 529:
		return KindOverloaded
	case status >= 500:
		return KindUpstream
	case status >= 400:
		return KindInvalidRequest
	}
	return KindUpstream
}
