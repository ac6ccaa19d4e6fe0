package security

import (
	"net/http"
	"strings"
)

// KeyFromRequest extracts the client's API key from the headers the common
// SDKs use: "Authorization: Bearer <key>" (OpenAI style), "x-api-key"
// (Anthropic SDK) or "api-key" (Azure OpenAI style), in that order. It
// returns "" when none is present; surrounding whitespace is trimmed.
func KeyFromRequest(h http.Header) string {
	if key, ok := bearerToken(h.Get("Authorization")); ok {
		return key
	}
	if key := strings.TrimSpace(h.Get("X-Api-Key")); key != "" {
		return key
	}
	return strings.TrimSpace(h.Get("Api-Key"))
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
