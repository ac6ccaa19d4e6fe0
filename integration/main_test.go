package integration

import (
	"net/http"
	"os"
	"testing"

	caddycmd "github.com/caddyserver/caddy/v2/cmd"
)

// runAsCaddy makes the test binary act as the caddy command: tests start a
// second gateway process this way (see redis_test.go).
const runAsCaddy = "AIB_TEST_RUN_AS_CADDY"

// TestMain keeps Caddy's autosave and certificates out of the user's home
// when the test command did not already point them at temporary folders.
func TestMain(m *testing.M) {
	if os.Getenv(runAsCaddy) == "1" {
		caddycmd.Main()
		os.Exit(0)
	}
	var made []string
	for _, v := range []string{"XDG_CONFIG_HOME", "XDG_DATA_HOME"} {
		if os.Getenv(v) == "" {
			if dir, err := os.MkdirTemp("", "aibackends-"+v); err == nil {
				os.Setenv(v, dir)
				made = append(made, dir)
			}
		}
	}
	// caddytest talks to the admin endpoint through http.DefaultTransport.
	// Each config load replaces Caddy's admin server and shuts the old one
	// down in the background, so a kept-alive connection could belong to
	// the old server and be closed under the next POST /load, which Go does
	// not retry (seen as "Post .../load: EOF"). A connection per call, as
	// for the tests' own admin calls (adminClient).
	http.DefaultTransport.(*http.Transport).DisableKeepAlives = true
	code := m.Run()
	for _, dir := range made {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}
