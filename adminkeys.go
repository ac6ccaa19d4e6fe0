package aibackends

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/caddyserver/caddy/v2"
)

// enableKey serves POST /ai_backends/keys/<fingerprint>/enable: it ends
// the back-off of a key the upstream rejected, for an operator who fixed
// the key upstream and does not want to wait for the next probe. Every
// provider holding a key with that fingerprint is affected.
func (a Admin) enableKey(w http.ResponseWriter, r *http.Request) error {
	if r.Method != http.MethodPost {
		return caddy.APIError{HTTPStatus: http.StatusMethodNotAllowed, Err: fmt.Errorf("method not allowed")}
	}
	rest := strings.TrimPrefix(r.URL.Path, "/ai_backends/keys/")
	fp, ok := strings.CutSuffix(rest, "/enable")
	if !ok || fp == "" || strings.Contains(fp, "/") {
		return caddy.APIError{HTTPStatus: http.StatusNotFound, Err: fmt.Errorf("use POST /ai_backends/keys/<fingerprint>/enable")}
	}
	if !validFingerprint(fp) {
		return caddy.APIError{HTTPStatus: http.StatusBadRequest,
			Err: fmt.Errorf("%q is not a key fingerprint: expected kfp_ and 16 hex digits, as in the status API", fp)}
	}
	found, wasResting := 0, 0
	states.Range(func(_, value any) bool {
		if ks, ok := value.(*keyState); ok && ks.fingerprint == fp {
			found++
			if ks.health.reset() {
				wasResting++
			}
		}
		return true
	})
	if found == 0 {
		return caddy.APIError{HTTPStatus: http.StatusNotFound, Err: fmt.Errorf("no upstream key with fingerprint %s", fp)}
	}
	w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(w).Encode(map[string]any{"enabled": fp, "state": keyActive, "keys": found, "were_resting": wasResting})
}

// validFingerprint reports whether s has the shape of
// providers.KeyFingerprint: "kfp_" and 16 lower-case hex digits.
func validFingerprint(s string) bool {
	hex, ok := strings.CutPrefix(s, "kfp_")
	if !ok || len(hex) != 16 {
		return false
	}
	for _, c := range hex {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
