package aibackends

import (
	"embed"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/caddyserver/caddy/v2"
)

// uiFiles is the operator console: plain HTML, CSS and JavaScript written
// for this module, embedded so it works offline with no build step.
//
//go:embed ui
var uiFiles embed.FS

const uiPrefix = "/ai_backends/ui/"

var uiTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".png":  "image/png",
}

// uiPolicy lets the page load only its own files and talk only to its own
// origin: no inline script, no frames, no third party.
const uiPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// serveUI serves GET /ai_backends/ui/…; the page itself also hands out the
// CSRF token cookie its script sends back on every change.
func (a Admin) serveUI(w http.ResponseWriter, r *http.Request) error {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return caddy.APIError{HTTPStatus: http.StatusMethodNotAllowed, Err: fmt.Errorf("method not allowed: use GET")}
	}
	name := strings.TrimPrefix(r.URL.Path, uiPrefix)
	if name == "" {
		name = "index.html"
	}
	ctype, known := uiTypes[path.Ext(name)]
	data, err := fs.ReadFile(uiFiles, "ui/"+name)
	if !known || err != nil || strings.Contains(name, "..") {
		return caddy.APIError{HTTPStatus: http.StatusNotFound, Err: fmt.Errorf("no console file %q", name)}
	}
	hdr := w.Header()
	if name == "index.html" {
		if err := ensureCSRFCookie(w, r); err != nil {
			return err
		}
	}
	hdr.Set("Content-Type", ctype)
	hdr.Set("Content-Security-Policy", uiPolicy)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("X-Frame-Options", "DENY")
	// The admin endpoint checks the Referer of script requests when there
	// is no Origin; same-origin keeps it for the console's own calls only.
	hdr.Set("Referrer-Policy", "same-origin")
	hdr.Set("Cache-Control", "no-cache")
	if r.Method == http.MethodHead {
		return nil
	}
	_, err = w.Write(data)
	return err
}
