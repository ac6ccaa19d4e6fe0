package security

import (
	"fmt"
	"time"
)

// Denial types: the "type" of the OpenAI-style error body the gateway returns.
const (
	DenialRateLimited     = "rate_limit_exceeded"
	DenialBudgetExceeded  = "budget_exceeded"
	DenialModelNotAllowed = "model_not_allowed"
	DenialInvalidKey      = "invalid_api_key"
)

// Denial codes: the finer-grained "code" of the error body, chosen to match
// what OpenAI clients already recognise where an equivalent exists.
const (
	CodeRateLimited       = "rate_limit_exceeded"
	CodeRequestTooLarge   = "request_too_large"
	CodeInsufficientQuota = "insufficient_quota"
	CodeModelNotAllowed   = "model_not_allowed"
	CodeInvalidKey        = "invalid_api_key"
	CodeAnomalousTraffic  = "anomalous_traffic"
)

// Denial is why a request was refused, in the shape of an OpenAI-style error
// response. Message is safe to show to the caller: it never contains a key,
// a label or another client's data.
type Denial struct {
	Status     int           // HTTP status to answer with
	Type       string        // one of the Denial* constants
	Code       string        // one of the Code* constants
	Message    string        // human-readable reason, including when to retry
	RetryAfter time.Duration // 0 = retrying will not help by itself
}

// Error lets a Denial travel as an error.
func (d *Denial) Error() string { return d.Message }

// RetryAfterSeconds is the value for a Retry-After header: RetryAfter rounded
// up to whole seconds (so a client never retries too early), or 0 when the
// header should be omitted.
func (d *Denial) RetryAfterSeconds() int {
	if d.RetryAfter <= 0 {
		return 0
	}
	return int((d.RetryAfter + time.Second - 1) / time.Second)
}

// InvalidKeyDenial is the answer when no key, or an unknown key, is presented.
// It deliberately does not say which of the two.
func InvalidKeyDenial() *Denial {
	return &Denial{
		Status:  401,
		Type:    DenialInvalidKey,
		Code:    CodeInvalidKey,
		Message: "missing or invalid API key",
	}
}

// maxEchoedModel bounds how much of a caller-supplied model name is echoed
// back, so a huge bogus name cannot bloat the error response or logs.
const maxEchoedModel = 128

// ModelDenial is the answer when the key may not use the requested model.
func ModelDenial(model string) *Denial {
	if len(model) > maxEchoedModel {
		model = model[:maxEchoedModel] + "..."
	}
	return &Denial{
		Status:  403,
		Type:    DenialModelNotAllowed,
		Code:    CodeModelNotAllowed,
		Message: fmt.Sprintf("model %q is not allowed for this API key", model),
	}
}

// AnomalyDenial is the answer while AnomalyDetector blocks a client.
func AnomalyDenial(retryAfter time.Duration) *Denial {
	return &Denial{
		Status:     429,
		Type:       DenialRateLimited,
		Code:       CodeAnomalousTraffic,
		Message:    fmt.Sprintf("request rate far above this key's usual traffic; temporarily blocked, retry in %s", roundUp(retryAfter)),
		RetryAfter: retryAfter,
	}
}

// roundUp shortens a duration for a message without ever understating it.
func roundUp(d time.Duration) time.Duration {
	const unit = time.Millisecond
	return (d + unit - 1) / unit * unit
}
