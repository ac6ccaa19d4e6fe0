package security

import (
	"net/http"
	"net/url"
	"strings"
)

// KeyFromRequest extracts the client's API key from the headers the common
// SDKs use: "Authorization: Bearer <key>" (OpenAI style), "x-api-key"
// (Anthropic SDK), "api-key" (Azure OpenAI style) or "x-goog-api-key"
// (Google's SDKs), in that order. It returns "" when none is present;
// surrounding whitespace is trimmed.
func KeyFromRequest(h http.Header) string {
	if key, ok := bearerToken(h.Get("Authorization")); ok {
		return key
	}
	if key := strings.TrimSpace(h.Get("X-Api-Key")); key != "" {
		return key
	}
	if key := strings.TrimSpace(h.Get("Api-Key")); key != "" {
		return key
	}
	return strings.TrimSpace(h.Get("X-Goog-Api-Key"))
}

// TakeQueryKey removes the "key" query parameter, which Google's API
// accepts in place of x-goog-api-key, from u and returns its value, so
// nothing that reads the request afterwards (a later handler, a log line,
// an upstream URL) sees it. Caddy's access log copies the URL before any
// handler runs; the README gives the log filter that drops it there.
func TakeQueryKey(u *url.URL) string {
	if u == nil || !strings.Contains(u.RawQuery, "key=") {
		return ""
	}
	q := u.Query()
	key := strings.TrimSpace(q.Get("key"))
	q.Del("key")
	u.RawQuery = q.Encode()
	return key
}

// bearerToken parses an Authorization value; the scheme is case-insensitive
// as RFC 9110 requires.
func bearerToken(v string) (string, bool) {
	const scheme = "bearer "
	v = strings.TrimSpace(v)
	if len(v) <= len(scheme) || !strings.EqualFold(v[:len(scheme)], scheme) {
		return "", false
	}
	key := strings.TrimSpace(v[len(scheme):])
	return key, key != ""
}

// credentialHeaders are the request headers that may carry a credential
// for the gateway: the three KeyFromRequest reads, and Gemini's
// x-goog-api-key, which a Gemini SDK pointed at the gateway sends.
var credentialHeaders = [...]string{"Authorization", "X-Api-Key", "Api-Key", "X-Goog-Api-Key"}

// Masked replaces a credential header's value once the key was read.
const Masked = "REDACTED"

// MaskCredentials overwrites, in place, the values of the request headers
// that can carry a key, once the key was read from them: whatever reads the
// request afterwards (a later handler, log_append, a placeholder such as
// {http.request.header.x-api-key}) sees "REDACTED". The values are
// overwritten rather than replaced, so this never allocates. Caddy's
// access log is not reached this way: it logs a copy of the headers taken
// before any handler runs (see the README for the log filter it needs).
func MaskCredentials(h http.Header) {
	for _, name := range credentialHeaders {
		vs := h[name]
		for i := range vs {
			vs[i] = Masked
		}
	}
}
