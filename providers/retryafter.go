package providers

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ParseRetryAfter reads the upstream's advice on when to try again, in the
// order the official SDKs honour it: retry-after-ms (OpenAI), the Azure
// x-ms-retry-after-ms, then retry-after as seconds or an HTTP date. It
// returns 0 when there is no usable advice.
func ParseRetryAfter(h http.Header, now time.Time) time.Duration {
	for _, name := range [...]string{"Retry-After-Ms", "X-Ms-Retry-After-Ms"} {
		if v := h.Get(name); v != "" {
			if ms, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && ms > 0 {
				return time.Duration(ms * float64(time.Millisecond))
			}
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		return time.Duration(secs * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// FromUpstream classifies a non-2xx upstream answer. message and code come
// from the provider's error body (empty when it had none).
func FromUpstream(provider string, status int, h http.Header, message, code string) *Error {
	e := &Error{
		Kind:     KindForStatus(status),
		Provider: provider,
		Upstream: status,
		Code:     code,
		Message:  message,
	}
	if e.Message == "" {
		e.Message = "upstream answered " + strconv.Itoa(status) + " " + http.StatusText(status)
	}
	if e.Kind == KindInvalidRequest || e.Kind == KindNotFound {
		e.Status = status // the client's request was at fault: keep the exact status
	}
	if h != nil {
		e.RetryAfter = ParseRetryAfter(h, time.Now())
	}
	return e
}
