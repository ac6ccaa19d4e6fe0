package integration

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"golang.org/x/crypto/bcrypt"
)

// findChromium returns a Chromium or Chrome binary, or skips the test:
// AIB_CHROME names one, else the usual names are looked up on PATH.
func findChromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("AIB_CHROME"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("console browser test skipped: no Chromium found (apt-get install chromium, or set AIB_CHROME to a Chrome binary)")
	return ""
}

// consoleBrowser drives a headless Chromium that sends auth on every
// request (the page and its script's calls alike). A failed test leaves a
// screenshot of the page, named in the log.
type consoleBrowser struct {
	t   *testing.T
	ctx context.Context
}

func newConsoleBrowser(t *testing.T, auth string) *consoleBrowser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(findChromium(t)),
		chromedp.NoSandbox, // root in CI containers
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1400, 1000),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	b := &consoleBrowser{t: t, ctx: ctx}
	t.Cleanup(func() {
		if t.Failed() {
			b.screenshot(filepath.Join(artifactsDir(t), "console-failure.png"))
		}
		cancelCtx()
		cancelAlloc()
	})
	// The first call starts the browser, bound to ctx (no deadline on it:
	// the browser would die with the deadline).
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("starting %s: %v", findChromium(t), err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders,
		network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Authorization": auth}}); err != nil {
		t.Fatal(err)
	}
	// The console asks before revoking and deleting: the operator says yes.
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for _, err := range dialogs {
			if err != nil {
				return
			}
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	return b
}

// artifactsDir is AIB_TEST_ARTIFACTS when set (CI keeps it), else a fresh
// temporary folder that outlives the test.
func artifactsDir(t *testing.T) string {
	if d := os.Getenv("AIB_TEST_ARTIFACTS"); d != "" {
		_ = os.MkdirAll(d, 0o755)
		return d
	}
	d, err := os.MkdirTemp("", "aib-console-")
	if err != nil {
		return os.TempDir()
	}
	return d
}

func (b *consoleBrowser) run(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

// load opens the console, and show switches to one of its pages (a link
// in its navigation); both wait until the page's script has drawn it.
func (b *consoleBrowser) load(url string) {
	b.t.Helper()
	b.run(chromedp.Navigate(url))
	b.waitJS("the console to load", `document.getElementById('status')?.textContent.startsWith('updated')`)
}

func (b *consoleBrowser) show(name string) {
	b.t.Helper()
	b.run(chromedp.Click(chromedp.CSS(`nav a[data-page="` + name + `"]`)))
	b.waitJS("the "+name+" page", `!document.getElementById('page-`+name+`').hidden && document.getElementById('status').textContent.startsWith('updated')`)
}

// waitJS waits until the expression is truthy: the console polls every few
// seconds, and this waits for the page rather than for a fixed time.
func (b *consoleBrowser) waitJS(what, expr string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		var status string
		sctx, scancel := context.WithTimeout(b.ctx, 5*time.Second)
		defer scancel()
		status, _ = chromedp.Run(sctx, chromedp.Evaluate[string](`document.getElementById('status')?.textContent || ''`))
		b.t.Fatalf("waiting for %s (%s): %v; console status: %q", what, expr, err, status)
	}
}

func (b *consoleBrowser) eval(expr string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		b.t.Fatalf("evaluating %s: %v", expr, err)
	}
	return s
}

// evalAwait evaluates an expression that yields a promise of a string.
func (b *consoleBrowser) evalAwait(expr string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluating %s: %v", expr, err)
	}
	return s
}

func (b *consoleBrowser) screenshot(path string) {
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: PNG
	if err != nil {
		b.t.Logf("no screenshot: %v", err)
		return
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Logf("no screenshot: %v", err)
		return
	}
	b.t.Logf("screenshot: %s", path)
}

// consoleSite is the README's setup: the console and its API on the site,
// behind Caddy's basic_auth, in front of a simulator gateway with managed
// keys and one provider that always fails (so there is a breaker to reset).
func consoleSite(hash string) string {
	return fmt.Sprintf(`	route /ai_backends/* {
		basic_auth {
			ops %s
		}
		ai_backends_console
	}
	ai_backends {
		managed_keys
		provider demo sim {
			models sim-large
		}
		provider broken sim {
			models sim-broken
			failure_rate 1
		}
		circuit_breaker {
			failure_threshold 2
			recovery_timeout 1h
		}
		retry {
			base_backoff 1ms
			max_backoff 2ms
		}
	}`, hash)
}

func TestConsoleInBrowser(t *testing.T) {
	findChromium(t)
	hash, err := bcrypt.GenerateFromPassword([]byte("console-pass"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	g := startGateway(t, consoleSite(string(hash)))
	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte("ops:console-pass"))

	// Without the password the site's console is refused.
	if resp, _ := g.get("/ai_backends/ui/"); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("console without auth: %d, want 401", resp.StatusCode)
	}
	chat := func(model, key string) int {
		resp, _ := g.post("/v1/chat/completions", `{"model":"`+model+`","messages":[{"role":"user","content":"hi"}],"max_tokens":20}`,
			"Authorization", "Bearer "+key)
		return resp.StatusCode
	}

	b := newConsoleBrowser(t, auth)
	b.load(g.url("/ai_backends/ui/#keys"))

	// Create a key: its secret is shown once, and only in the secret box.
	label := fmt.Sprintf("browser-key-%d", g.port)
	b.run(
		chromedp.SetValue(chromedp.CSS(`#key-create input[name=label]`), label),
		chromedp.SetValue(chromedp.CSS(`#key-create input[name=owner]`), "ops@example.com"),
		chromedp.SetValue(chromedp.CSS(`#key-create input[name=budget_usd]`), "5"),
		chromedp.SetValue(chromedp.CSS(`#key-create input[name=budget_period]`), "720h"),
		chromedp.Click(chromedp.CSS(`#key-create-submit`)),
	)
	b.waitJS("the new key's secret", `document.getElementById('secret-value').textContent.length > 10`)
	secret := b.eval(`document.getElementById('secret-value').textContent`)
	keyRow := `tr[data-key-label="` + label + `"]`
	b.waitJS("the new key in the list", `!!document.querySelector('`+keyRow+`')`)
	if b.eval(`document.body.textContent.split(`+jsString(secret)+`).length - 1 + ''`) != "1" {
		t.Fatal("the secret appears on the page outside the one-time box")
	}
	b.run(chromedp.Click(chromedp.CSS(`#secret-done`)))
	b.waitJS("the secret to be gone", `document.getElementById('secret-box').hidden && document.getElementById('secret-value').textContent === ''`)
	if strings.Contains(b.eval(`document.documentElement.outerHTML`), secret) {
		t.Fatal("the secret is still in the page after it was dismissed")
	}

	// Use it: one answered chat, and two failures that open the broken
	// provider's breaker.
	if code := chat("sim-large", secret); code != http.StatusOK {
		t.Fatalf("chat with the new key: %d", code)
	}
	for i := 0; i < 2; i++ {
		if code := chat("sim-broken", secret); code < 500 {
			t.Fatalf("broken provider answered %d", code)
		}
	}

	// The spend appears against the key's budget.
	b.waitJS("the key's spend", `(() => { const c = document.querySelector('`+keyRow+` [data-field=spend]'); return c && /\$0\.0*[1-9]/.test(c.textContent) && c.textContent.includes('$5.0000'); })()`)

	// Recent requests: the chat under the key's label, with its routing.
	b.show("requests")
	b.waitJS("the chat in recent requests", `[...document.querySelectorAll('#requests tbody tr')].some(r =>
		r.querySelector('[data-field=key]').textContent === '`+label+`' && r.textContent.includes('demo/sim-large') &&
		r.querySelector('[data-field=status]').textContent === '200')`)

	// The overview counts the requests and charts them.
	b.show("overview")
	b.waitJS("the overview's request count",
		`(() => { const v = document.querySelector('[data-card=requests] .value'); return v && Number(v.textContent.replace(/,/g, '')) >= 3; })()`)
	b.waitJS("the charts", `document.querySelectorAll('#chart-rate polyline').length === 2 && document.querySelectorAll('#chart-latency polyline').length === 3`)
	b.waitJS("the spend chart", `document.querySelector('#chart-spend')?.textContent.includes('`+label+`')`)
	if got := b.eval(`document.querySelector('[data-card=cost] .value').textContent`); got == "$0.0000" || got == "" {
		t.Errorf("overview cost %q, want the sim-large request's cost", got)
	}
	if path := os.Getenv("AIB_CONSOLE_SCREENSHOT"); path != "" {
		b.screenshot(path) // the README's picture: go test -run TestConsoleInBrowser with this set
	}

	// Edit its limits from the page.
	b.show("keys")
	b.run(chromedp.Click(chromedp.CSS(keyRow + ` button[data-action=edit-key]`)))
	b.run(
		chromedp.SetValue(chromedp.CSS(`form[data-edit-key] input[name=requests_per_minute]`), "7"),
		chromedp.Click(chromedp.CSS(`form[data-edit-key] button[type=submit]`)),
	)
	b.waitJS("the new limit", `document.querySelector('`+keyRow+` [data-field=limits]')?.textContent.includes('7 req/min')`)

	// A team, created from the page.
	team := fmt.Sprintf("browser-team-%d", g.port)
	b.run(
		chromedp.SetValue(chromedp.CSS(`#team-create input[name=name]`), team),
		chromedp.SetValue(chromedp.CSS(`#team-create input[name=budget_usd]`), "10"),
		chromedp.Click(chromedp.CSS(`#team-create button[type=submit]`)),
	)
	b.waitJS("the new team", `!!document.querySelector('tr[data-team="`+team+`"]')`)

	// A state-changing call without the CSRF token is refused, even from
	// the console's own page with its cookie and password.
	forged := b.evalAwait(`fetch('/ai_backends/breakers/broken/sim-broken/reset', {method: 'POST'}).then(r => String(r.status))`)
	if forged != "403" {
		t.Fatalf("a POST without the CSRF token got %s, want 403", forged)
	}

	// Revoke the key from the page: the next request with it is refused.
	b.run(chromedp.Click(chromedp.CSS(keyRow + ` button[data-action=revoke-key]`)))
	b.waitJS("the key revoked", `document.querySelector('`+keyRow+` [data-field=state]')?.textContent === 'revoked'`)
	if code := chat("sim-large", secret); code != http.StatusUnauthorized {
		t.Fatalf("chat with the revoked key: %d, want 401", code)
	}

	// Providers: the open breaker, reset from the page.
	row := `tr[data-deployment="broken/sim-broken"]`
	b.show("providers")
	b.waitJS("the open breaker", `document.querySelector('`+row+` [data-field=breaker]')?.textContent === 'open'`)
	b.run(chromedp.Click(chromedp.CSS(row + ` button[data-action=reset-breaker]`)))
	b.waitJS("the closed breaker", `document.querySelector('`+row+` [data-field=breaker]')?.textContent === 'closed'`)
	if _, status := g.get2999("/ai_backends/status"); strings.Contains(status, `"state":"open"`) {
		t.Fatalf("the breaker is still open after the console's reset: %s", status)
	}

	// Configuration: resolved models, never a secret.
	b.show("config")
	b.waitJS("the configuration", `document.querySelector('#config')?.textContent.includes('broken/sim-broken')`)
	if strings.Contains(b.eval(`document.documentElement.outerHTML`), secret) {
		t.Fatal("a secret reached the configuration page")
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
