package aibackends

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
)

const testToken = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func TestCSRFGuard(t *testing.T) {
	reached := false
	guarded := csrfGuard(caddy.AdminHandlerFunc(func(http.ResponseWriter, *http.Request) error {
		reached = true
		return nil
	}))
	cookie := csrfCookie + "=" + testToken
	cases := []struct {
		name    string
		method  string
		headers []string
		pass    bool
	}{
		{"GET from anywhere", "GET", []string{"Cookie", cookie, "Origin", "http://evil.example"}, true},
		{"curl without browser headers", "POST", nil, true},
		{"cookie, no token", "POST", []string{"Cookie", cookie}, false},
		{"origin, no cookie", "POST", []string{"Origin", "http://gw.local", "X-CSRF-Token", testToken}, false},
		{"same origin, matching token", "POST", []string{"Origin", "http://gw.local", "Cookie", cookie, "X-CSRF-Token", testToken}, true},
		{"same origin, other token", "DELETE", []string{"Origin", "http://gw.local", "Cookie", cookie, "X-CSRF-Token", strings.Repeat("f", 64)}, false},
		{"fetch metadata only, no token", "PATCH", []string{"Sec-Fetch-Site", "same-origin"}, false},
		{"cross-site, matching token", "POST", []string{"Origin", "http://evil.example", "Sec-Fetch-Site", "cross-site", "Cookie", cookie, "X-CSRF-Token", testToken}, false},
		{"cross origin without fetch metadata", "POST", []string{"Origin", "http://evil.example", "Cookie", cookie, "X-CSRF-Token", testToken}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			reached = false
			r := httptest.NewRequest(c.method, "http://gw.local/ai_backends/breakers/x/y/reset", nil)
			for i := 0; i+1 < len(c.headers); i += 2 {
				r.Header.Set(c.headers[i], c.headers[i+1])
			}
			err := guarded.ServeHTTP(httptest.NewRecorder(), r)
			if c.pass != (err == nil) || c.pass != reached {
				t.Fatalf("passed=%v err=%v, want pass=%v", reached, err, c.pass)
			}
			if err != nil {
				if apiErr, ok := err.(caddy.APIError); !ok || apiErr.HTTPStatus != http.StatusForbidden {
					t.Fatalf("error %#v, want a 403 APIError", err)
				}
			}
		})
	}
}

// Every admin route, present and future, goes through the CSRF check.
func TestEveryAdminRouteIsGuarded(t *testing.T) {
	for _, route := range (Admin{}).Routes() {
		r := httptest.NewRequest("POST", "http://gw.local"+route.Pattern+"x", nil)
		r.Header.Set("Cookie", csrfCookie+"="+testToken)
		err := route.Handler.ServeHTTP(httptest.NewRecorder(), r)
		if apiErr, ok := err.(caddy.APIError); !ok || apiErr.HTTPStatus != http.StatusForbidden {
			t.Errorf("%s: POST with a cookie and no token gave %v, want 403", route.Pattern, err)
		}
	}
}

func TestServeUI(t *testing.T) {
	var a Admin
	w := httptest.NewRecorder()
	if err := a.serveUI(w, httptest.NewRequest("GET", uiPrefix, nil)); err != nil {
		t.Fatal(err)
	}
	if ct := w.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("index content type %q", ct)
	}
	if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
		t.Errorf("policy %q", csp)
	}
	cookies := w.Result().Cookies()
	if len(cookies) != 1 || cookies[0].Name != csrfCookie || !validCSRFToken(cookies[0].Value) || cookies[0].SameSite != http.SameSiteStrictMode {
		t.Fatalf("cookies %+v", cookies)
	}
	// A browser that has a token keeps it.
	r := httptest.NewRequest("GET", uiPrefix+"index.html", nil)
	r.AddCookie(cookies[0])
	w = httptest.NewRecorder()
	if err := a.serveUI(w, r); err != nil || len(w.Result().Cookies()) != 0 {
		t.Fatalf("second visit: err=%v cookies=%v", err, w.Result().Cookies())
	}
	w = httptest.NewRecorder()
	if err := a.serveUI(w, httptest.NewRequest("GET", uiPrefix+"app.js", nil)); err != nil || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/javascript") {
		t.Fatalf("app.js: err=%v type=%q", err, w.Header().Get("Content-Type"))
	}
	for _, name := range []string{"nothing.js", "../console_ui.go", "ui"} {
		err := a.serveUI(httptest.NewRecorder(), httptest.NewRequest("GET", uiPrefix+name, nil))
		if apiErr, ok := err.(caddy.APIError); !ok || apiErr.HTTPStatus != http.StatusNotFound {
			t.Errorf("%s: %v, want 404", name, err)
		}
	}
}

// The console's script never hands server data to the HTML parser: no
// innerHTML, outerHTML, insertAdjacentHTML or document.write anywhere.
func TestConsoleScriptNeverParsesHTML(t *testing.T) {
	err := fs.WalkDir(uiFiles, "ui", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := fs.ReadFile(uiFiles, path)
		for _, bad := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"} {
			if strings.Contains(string(b), bad) {
				t.Errorf("%s uses %s", path, bad)
			}
		}
		if strings.HasSuffix(path, ".html") && (strings.Contains(string(b), "<script>") || strings.Contains(string(b), "http://") || strings.Contains(string(b), "https://")) {
			t.Errorf("%s has an inline script or an outside address", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestConfigViewHasNoSecrets(t *testing.T) {
	h := pipeHandler(t, `{"providers":[
		{"type":"openai","name":"oa","api_keys":[{"value":"sk-upstream-secret"}],"base_url":"https://user:pw@api.example/v1?token=q","models":["gpt-4o"]},
		{"type":"sim","name":"sim","models":["sim"]}],
		"aliases":{"fast":["sim/sim","oa/gpt-4o"]},
		"client_keys":[{"key":"sk-client-secret","label":"team-a","requests_per_minute":5}]}`)
	b, err := json.Marshal(h.configView())
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, secret := range []string{"sk-upstream-secret", "sk-client-secret", "pw@", "token=q"} {
		if strings.Contains(s, secret) {
			t.Errorf("config view shows %q: %s", secret, s)
		}
	}
	var v handlerConfigView
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(v.Models["fast"], ","); got != "sim/sim,oa/gpt-4o" && got != "oa/gpt-4o,sim/sim" {
		t.Errorf("alias fast resolves to %q", got)
	}
	if len(v.Clients) != 1 || v.Clients[0].Label != "team-a" || v.Clients[0].RequestsPerMinute != 5 {
		t.Errorf("client keys %+v", v.Clients)
	}
	if len(v.Providers) != 2 || v.Providers[0].BaseURL != "https://api.example/v1" || v.Providers[0].Keys != 1 {
		t.Errorf("providers %+v", v.Providers)
	}
}

func TestRequestsLimitValidation(t *testing.T) {
	var a Admin
	err := a.requests(httptest.NewRecorder(), httptest.NewRequest("GET", "/ai_backends/requests?limit=zero", nil))
	if apiErr, ok := err.(caddy.APIError); !ok || apiErr.HTTPStatus != 400 || !strings.Contains(apiErr.Err.Error(), "limit") {
		t.Fatalf("bad limit: %v", err)
	}
	w := httptest.NewRecorder()
	if err := a.requests(w, httptest.NewRequest("GET", "/ai_backends/requests?limit=5", nil)); err != nil {
		t.Fatal(err)
	}
	var out struct{ Requests []recentEntry }
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil || len(out.Requests) > 5 {
		t.Fatalf("%v %s", err, w.Body)
	}
	if err := a.overview(httptest.NewRecorder(), httptest.NewRequest("POST", "/ai_backends/overview", nil)); err == nil {
		t.Fatal("POST overview accepted")
	}
}

type nextRecorder struct{ called bool }

func (n *nextRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) error {
	n.called = true
	w.WriteHeader(http.StatusTeapot)
	return nil
}

var _ caddyhttp.Handler = (*nextRecorder)(nil)

func TestConsoleSiteHandler(t *testing.T) {
	quietCaddy(t) // a running config: the console's context needs its storage
	var c Console
	ctx, cancel := caddy.NewContext(caddy.ActiveContext())
	t.Cleanup(cancel)
	if err := c.Provision(ctx); err != nil {
		t.Fatal(err)
	}
	serve := func(method, path string, header ...string) (*httptest.ResponseRecorder, bool) {
		next := new(nextRecorder)
		r := httptest.NewRequest(method, "http://gw.local"+path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			r.Header.Set(header[i], header[i+1])
		}
		w := httptest.NewRecorder()
		if err := c.ServeHTTP(w, r, next); err != nil {
			t.Fatal(err)
		}
		return w, next.called
	}
	if w, passed := serve("GET", "/v1/models"); !passed || w.Code != http.StatusTeapot {
		t.Fatalf("other paths are passed on: passed=%v code=%d", passed, w.Code)
	}
	if w, passed := serve("GET", "/ai_backends/status"); passed || w.Code != 200 || !strings.Contains(w.Body.String(), `"handlers"`) {
		t.Fatalf("status: passed=%v %d %s", passed, w.Code, w.Body)
	}
	if w, _ := serve("GET", "/ai_backends/ui/"); w.Code != 200 || !strings.Contains(w.Body.String(), "app.js") {
		t.Fatalf("ui: %d", w.Code)
	}
	w, _ := serve("POST", "/ai_backends/breakers/none/x/reset", "Cookie", csrfCookie+"="+testToken)
	var body struct{ Error string }
	if w.Code != http.StatusForbidden || json.Unmarshal(w.Body.Bytes(), &body) != nil || !strings.Contains(body.Error, csrfHeader) {
		t.Fatalf("browser POST without token: %d %s", w.Code, w.Body)
	}
	if w, _ := serve("GET", "/ai_backends/nothing"); w.Code != http.StatusNotFound || json.Unmarshal(w.Body.Bytes(), &body) != nil || body.Error == "" {
		t.Fatalf("unknown admin path: %d %s", w.Code, w.Body)
	}
}

func TestConsoleCaddyfile(t *testing.T) {
	var c Console
	if err := c.UnmarshalCaddyfile(caddyfile.NewTestDispenser("ai_backends_console")); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"ai_backends_console extra", "ai_backends_console {\n foo\n}"} {
		if err := c.UnmarshalCaddyfile(caddyfile.NewTestDispenser(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
