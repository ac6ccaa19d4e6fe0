package anthropic

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

var chatReq = `{"model":"m","messages":[{"role":"user","content":"x"}]}`

// A redirect is an upstream error, not followed: a POST of a translated
// request must not be replayed somewhere else.
func TestRedirectIsNotFollowed(t *testing.T) {
	srv, rec := fakeupstream.NewAnthropic(fakeupstream.AnthropicOptions{})
	defer srv.Close()
	for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, srv.URL+"/v1/messages", status)
		}))
		p := newProvider(t, redirect.URL, nil)
		_, err := p.Chat(context.Background(), target, unified(t, chatReq))
		var e *providers.Error
		if !errors.As(err, &e) || e.Kind != providers.KindUpstream || e.Upstream != status || e.Provider != "claude" {
			t.Errorf("%d: got %v (%+v)", status, err, e)
		}
		redirect.Close()
	}
	if rec.Count() != 0 {
		t.Errorf("a redirect was followed %d times", rec.Count())
	}
}

// A connection dropped without an answer is a network error worded as
// before the transport was called directly (Client.Do's *url.Error).
func TestDroppedConnection(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.Close()
		}
	}))
	defer srv.Close()
	p := newProvider(t, srv.URL, nil)
	_, err := p.Chat(context.Background(), target, unified(t, chatReq))
	var e *providers.Error
	if !errors.As(err, &e) || e.Kind != providers.KindNetwork || e.Message != "could not reach upstream" {
		t.Fatalf("got %v (%+v)", err, e)
	}
	var u *url.Error
	if !errors.As(err, &u) || u.Op != "Post" || u.URL != srv.URL+"/v1/messages" {
		t.Errorf("cause %v", e.Err)
	}
}

// Credentials in base_url are sent as Basic auth, and kept out of errors.
func TestBaseURLCredentials(t *testing.T) {
	var auth atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, _ := r.BasicAuth()
		auth.Store(user + "|" + pass)
		http.Error(w, `{"type":"error","error":{"type":"api_error","message":"no"}}`, http.StatusInternalServerError)
	}))
	base := strings.Replace(srv.URL, "http://", "http://proxy:s%40cret@", 1)
	p := newProvider(t, base, nil)
	if _, err := p.Chat(context.Background(), target, unified(t, chatReq)); err == nil {
		t.Fatal("want the 500")
	}
	if got := auth.Load(); got != "proxy|s@cret" {
		t.Errorf("basic auth %v", got)
	}
	srv.Close()
	_, err := p.Chat(context.Background(), target, unified(t, chatReq))
	var u *url.Error
	if !errors.As(err, &u) || strings.Contains(err.Error()+u.Error(), "cret") || !strings.Contains(u.URL, "proxy:***@") {
		t.Errorf("error %v (%v)", err, u)
	}
}

func TestSetHeaders(t *testing.T) {
	native := func(beta ...string) []string {
		if beta == nil {
			return []string{}
		}
		return beta
	}
	for _, c := range []struct {
		beta   []string
		native []string // the client's own anthropic-beta values
		want   []string // nil: no header
	}{
		{nil, nil, nil},
		{nil, native(), nil},
		{[]string{"a"}, nil, []string{"a"}},
		{[]string{"a", "b"}, native(), []string{"a,b"}},
		{nil, native("c"), []string{"c"}},
		{[]string{"a", "b"}, native("c", "d"), []string{"a,b,c,d"}},
		{[]string{""}, nil, []string{""}},
		{[]string{"a"}, native(""), []string{"a,"}},
	} {
		provisioned := newProvider(t, "http://127.0.0.1:1", func(p *Provider) {
			p.Beta, p.Version = c.beta, "2099-01-01"
			p.Headers = map[string]string{"anthropic-version": "override", "x-extra": "1"}
		})
		bare := &Provider{Beta: c.beta, Version: "2099-01-01"}
		for _, p := range []*Provider{provisioned, bare} {
			h := http.Header{}
			p.setHeaders(h, target, c.native)
			if got := h.Values("Anthropic-Beta"); !slices.Equal(got, c.want) {
				t.Errorf("beta %q + %v: %q, want %q", c.beta, c.native, got, c.want)
			}
			version, extra := "2099-01-01", ""
			if p == provisioned {
				version, extra = "override", "1"
			}
			if h.Get("Anthropic-Version") != version || h.Get("X-Extra") != extra || h.Get("X-Api-Key") != testKey ||
				h.Get("Content-Type") != "application/json" || h.Get("Accept") != "application/json" {
				t.Errorf("headers %v", h)
			}
		}
	}
	// An unprovisioned provider without a version sends the default.
	h := http.Header{}
	(&Provider{}).setHeaders(h, providers.Target{}, nil)
	if h.Get("Anthropic-Version") != DefaultVersion || h["X-Api-Key"] != nil {
		t.Errorf("bare headers %v", h)
	}
}

// The values of one request are not shared with another, nor with each
// other: adding to one header leaves the rest alone.
func TestSetHeadersOwnValues(t *testing.T) {
	p := newProvider(t, "http://127.0.0.1:1", func(p *Provider) { p.Beta = []string{"b"} })
	h1, h2 := http.Header{}, http.Header{}
	p.setHeaders(h1, target, nil)
	p.setHeaders(h2, target, nil)
	for _, name := range []string{"Content-Type", "Accept", "Anthropic-Version", "X-Api-Key", "Anthropic-Beta"} {
		h1.Add(name, "added")
	}
	h1["Content-Type"][0] = "changed"
	if h1.Get("Accept") != "application/json" || h1.Get("Anthropic-Version") != DefaultVersion ||
		h1.Get("X-Api-Key") != testKey || h1.Get("Anthropic-Beta") != "b" || len(h1["Accept"]) != 2 {
		t.Errorf("one value changed another: %v", h1)
	}
	if h2.Get("Content-Type") != "application/json" || len(h2["Accept"]) != 1 {
		t.Errorf("one request changed another: %v", h2)
	}
	if p.static.beta != "b" || p.static.version != DefaultVersion {
		t.Errorf("static headers changed: %+v", p.static)
	}
}

func TestSetHeadersAllocations(t *testing.T) {
	p := newProvider(t, "http://127.0.0.1:1", func(p *Provider) { p.Beta = []string{"a", "b"} })
	h := http.Header{}
	allocs := testing.AllocsPerRun(100, func() {
		clear(h)
		p.setHeaders(h, target, nil)
	})
	if allocs > 1 {
		t.Errorf("%v allocations per request, want 1", allocs)
	}
}
