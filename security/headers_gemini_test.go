package security

import (
	"net/http"
	"net/url"
	"testing"
)

// TestKeyFromGoogleHeader: x-goog-api-key is read after the other headers.
func TestKeyFromGoogleHeader(t *testing.T) {
	h := http.Header{}
	h.Set("X-Goog-Api-Key", " g-key ")
	if got := KeyFromRequest(h); got != "g-key" {
		t.Errorf("got %q", got)
	}
	h.Set("X-Api-Key", "a-key")
	if got := KeyFromRequest(h); got != "a-key" {
		t.Errorf("precedence: got %q", got)
	}
}

// TestTakeQueryKey: the key is returned and removed, other parameters kept.
func TestTakeQueryKey(t *testing.T) {
	u, _ := url.Parse("/v1beta/models/m:streamGenerateContent?alt=sse&key=secret-1")
	if got := TakeQueryKey(u); got != "secret-1" {
		t.Errorf("got %q", got)
	}
	if u.RawQuery != "alt=sse" {
		t.Errorf("query left %q", u.RawQuery)
	}
	if got := TakeQueryKey(u); got != "" {
		t.Errorf("second read %q", got)
	}
	if TakeQueryKey(nil) != "" {
		t.Error("nil URL")
	}
}
