package providers

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

func TestVersionsCaddyfile(t *testing.T) {
	for _, c := range []struct{ block, want string }{
		{"provider local {\n base_url http://127.0.0.1:8000/v1\n versions h2c\n}", "h2c"},
		{"provider p {\n versions 1.1 2\n}", "1.1 2"},
		{"provider p {\n versions 1.1\n versions h2c\n}", "h2c"}, // the last line wins, as in reverse_proxy
	} {
		var cfg Config
		if err := cfg.UnmarshalBlock(caddyfile.NewTestDispenser(c.block), nil); err != nil {
			t.Fatalf("%s: %v", c.block, err)
		}
		if got := strings.Join(cfg.Versions, " "); got != c.want {
			t.Errorf("%s: Versions = %q, want %q", c.block, got, c.want)
		}
	}
	var cfg Config
	if err := cfg.UnmarshalBlock(caddyfile.NewTestDispenser("provider p {\n versions\n}"), nil); err == nil {
		t.Error("versions without a value was accepted")
	}
}

func TestVersionsValidation(t *testing.T) {
	for _, c := range []struct {
		versions []string
		baseURL  string
		wantErr  string
	}{
		{nil, "http://u", ""},
		{[]string{"1.1"}, "http://u", ""},
		{[]string{"2"}, "https://u", ""},
		{[]string{"h2c"}, "http://u", ""},
		{[]string{"h2c", "2"}, "https://u", ""},
		{[]string{"3"}, "https://u", `provider up: versions: unsupported HTTP version "3" (want 1.1, 2, h2c)`},
		{[]string{"1.1", "http/2"}, "http://u", `provider up: versions: unsupported HTTP version "http/2"`},
	} {
		cfg := Config{Name: "up", BaseURL: c.baseURL, Versions: c.versions}
		err := cfg.Provision(Defaults{Type: "openai_compatible"})
		switch {
		case c.wantErr == "" && err != nil:
			t.Errorf("%q: %v", c.versions, err)
		case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
			t.Errorf("%q: error %v, want %q", c.versions, err, c.wantErr)
		}
	}
}

// TestVersionsTransport pins the mapping onto http.Transport: no versions
// must leave the transport exactly as before the option existed.
func TestVersionsTransport(t *testing.T) {
	for _, c := range []struct {
		versions []string
		baseURL  string
		want     string // "default" = Protocols nil with ForceAttemptHTTP2
	}{
		{nil, "https://u", "default"},
		{[]string{"1.1", "2"}, "https://u", "default"},
		{[]string{"2"}, "http://u", "default"},
		{[]string{"h2c"}, "https://u", "default"}, // TLS negotiates h2, as reverse_proxy
		{[]string{"h2c"}, "HTTPS://u", "default"},
		{[]string{"1.1"}, "https://u", "{HTTP1}"},
		{[]string{"h2c"}, "http://u", "{UnencryptedHTTP2}"},
		{[]string{"1.1", "h2c"}, "http://u", "{UnencryptedHTTP2}"},
	} {
		cfg := Config{Name: "up", BaseURL: c.baseURL, Versions: c.versions}
		if err := cfg.Provision(Defaults{Type: "openai_compatible"}); err != nil {
			t.Fatal(err)
		}
		tr := cfg.Client().Transport.(*http.Transport)
		got := "default"
		if tr.Protocols != nil {
			got = tr.Protocols.String()
		} else if !tr.ForceAttemptHTTP2 {
			got = "no HTTP/2"
		}
		if got != c.want {
			t.Errorf("%q %s: protocols %s, want %s", c.versions, c.baseURL, got, c.want)
		}
	}
}

// h2cOnlyServer speaks only HTTP/2 with prior knowledge, as an h2c gateway
// in front of a model server may.
func h2cOnlyServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, *connCount) {
	var conns connCount
	srv := httptest.NewUnstartedServer(h)
	srv.Config.Protocols = new(http.Protocols)
	srv.Config.Protocols.SetUnencryptedHTTP2(true)
	srv.Config.ConnState = conns.hook
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &conns
}

// connCount tells dialed connections from those that carried requests:
// concurrent first requests may each dial, and the HTTP/2 client then
// closes the spare connections unused.
type connCount struct {
	mu     sync.Mutex
	dialed int
	active map[net.Conn]bool
}

func (c *connCount) hook(conn net.Conn, s http.ConnState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch s {
	case http.StateNew:
		c.dialed++
	case http.StateActive:
		if c.active == nil {
			c.active = map[net.Conn]bool{}
		}
		c.active[conn] = true
	}
}

func (c *connCount) counts() (dialed, used int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.dialed, len(c.active)
}

func provisioned(t *testing.T, baseURL string, versions ...string) *Config {
	t.Helper()
	c := &Config{Name: "up", BaseURL: baseURL, Versions: versions}
	if err := c.Provision(Defaults{Type: "openai_compatible"}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Cleanup() })
	return c
}

func TestH2CRoundTrip(t *testing.T) {
	var requests, proto atomic.Int32
	srv, _ := h2cOnlyServer(t, func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		proto.Store(int32(r.ProtoMajor))
	})
	resp, err := provisioned(t, srv.URL, "h2c").Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.ProtoMajor != 2 || proto.Load() != 2 {
		t.Fatalf("h2c: status %d, client saw %s, server saw HTTP/%d", resp.StatusCode, resp.Proto, proto.Load())
	}

	// The default speaks HTTP/1.1 on cleartext; an h2c-only server drops
	// the connection without serving anything.
	resp, err = provisioned(t, srv.URL).Client().Get(srv.URL)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("default config got %d %s from an h2c-only server", resp.StatusCode, resp.Proto)
	}
	if requests.Load() != 1 {
		t.Errorf("the server handled %d requests, want only the h2c one", requests.Load())
	}
}

// TestH2COverTLSNegotiatesH2 checks the documented meaning of h2c with an
// https:// base_url: the TLS handshake picks HTTP/2, as by default.
func TestH2COverTLSNegotiatesH2(t *testing.T) {
	var proto atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proto.Store(int32(r.ProtoMajor))
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	c := provisioned(t, srv.URL, "h2c")
	// Trust the test certificate; ForceAttemptHTTP2 keeps h2 on with a
	// custom TLS config.
	c.Client().Transport.(*http.Transport).TLSClientConfig = srv.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
	resp, err := c.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.ProtoMajor != 2 || proto.Load() != 2 {
		t.Fatalf("client saw %s, server HTTP/%d; want HTTP/2", resp.Proto, proto.Load())
	}
}

// TestH2CMultiplexes holds 50 streams open at once: over h2c they share
// one connection instead of taking one each.
func TestH2CMultiplexes(t *testing.T) {
	const streams = 50
	var arrived sync.WaitGroup
	arrived.Add(streams)
	release := make(chan struct{})
	srv, conns := h2cOnlyServer(t, func(w http.ResponseWriter, r *http.Request) {
		arrived.Done()
		<-release // every stream is open before any finishes
	})
	c := provisioned(t, srv.URL, "h2c")
	errs := make(chan error, streams)
	for range streams {
		go func() {
			resp, err := c.Client().Get(srv.URL)
			if err == nil {
				resp.Body.Close()
				if resp.ProtoMajor != 2 {
					err = fmt.Errorf("proto %s", resp.Proto)
				}
			}
			errs <- err
		}()
	}
	arrived.Wait()
	close(release)
	for range streams {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	dialed, used := conns.counts()
	t.Logf("%d streams: %d connections dialed, %d carried requests", streams, dialed, used)
	if used > 2 {
		t.Errorf("%d streams used %d connections, want ≤ 2", streams, used)
	}
}
