package aibackends

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"

	"github.com/caddyserver/caddy/v2"
)

// The console's CSRF defence is a double-submit token: serving the console
// page sets a random token in a cookie (SameSite=Strict), the page's script
// reads it and sends it back in the X-CSRF-Token header, and a state-
// changing request that looks like it comes from a browser (it carries an
// Origin, a Cookie or a Sec-Fetch-Site header) must present a header equal
// to the cookie. Another site can make a browser send the cookie but can
// neither read it nor set the header. A request with none of those headers
// (curl, scripts) is not something a browser can be tricked into sending,
// and keeps working without a token. Cross-origin browser requests are
// refused outright as well (http.CrossOriginProtection), and on Caddy's
// admin endpoint Caddy's own origin checks run first.
const (
	csrfCookie = "ai_backends_csrf"
	csrfHeader = "X-CSRF-Token"
)

var crossOrigin = http.NewCrossOriginProtection()

// csrfGuard wraps an admin handler so that its state-changing methods need
// the token when called from a browser. GET, HEAD and OPTIONS pass.
func csrfGuard(next caddy.AdminHandler) caddy.AdminHandler {
	return caddy.AdminHandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		if err := checkCSRF(r); err != nil {
			return err
		}
		return next.ServeHTTP(w, r)
	})
}

func checkCSRF(r *http.Request) error {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return nil
	}
	if err := crossOrigin.Check(r); err != nil {
		return caddy.APIError{HTTPStatus: http.StatusForbidden, Err: fmt.Errorf("cross-origin request refused: %v", err)}
	}
	_, origin := r.Header["Origin"]
	_, cookie := r.Header["Cookie"]
	_, fetchSite := r.Header["Sec-Fetch-Site"]
	if !origin && !cookie && !fetchSite {
		return nil
	}
	c, err := r.Cookie(csrfCookie)
	sent := r.Header.Get(csrfHeader)
	if err != nil || c.Value == "" || sent == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(sent)) != 1 {
		return caddy.APIError{HTTPStatus: http.StatusForbidden, Err: fmt.Errorf(
			"missing or wrong %s header: a browser request that changes state must send the %s cookie's value in it (the console does)",
			csrfHeader, csrfCookie)}
	}
	return nil
}

// ensureCSRFCookie gives the browser a token unless it already has a
// well-formed one, so several open tabs share it.
func ensureCSRFCookie(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(csrfCookie); err == nil && validCSRFToken(c.Value) {
		return nil
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: csrfCookie, Value: hex.EncodeToString(b[:]), Path: "/",
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
		// Not HttpOnly: the page's script must read it to send it back.
	})
	return nil
}

func validCSRFToken(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}
