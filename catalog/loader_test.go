package catalog

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/internal/testclock"
)

func inputPrice(l *Loader, model string) float64 {
	s, _ := l.Lookup("openai_compatible", model)
	return s.Prices.Input
}

// clockedLoader is a loader, on a test clock and not loaded yet, of a new
// catalog file holding doc; maxSize 0 is the default.
func clockedLoader(t *testing.T, doc string, maxSize int64) (l *Loader, clock *testclock.Clock, path string) {
	t.Helper()
	clock = testclock.New()
	path = writeFile(t, doc)
	l, err := NewLoader(Config{File: path, Now: clock.Now, MaxSize: maxSize})
	if err != nil {
		t.Fatal(err)
	}
	return l, clock, path
}

func TestLoaderFilePicksUpChangesAndSkipsUnchangedFile(t *testing.T) {
	l, clock, path := clockedLoader(t, priced("m", 1e-06), 0)
	ctx := context.Background()
	if err := l.Poll(ctx); err != nil { // the first poll loads
		t.Fatal(err)
	}
	first := l.Status()
	if inputPrice(l, "m") != 1 || first.Entries != 1 || first.Version == "" || !first.LoadedAt.Equal(testclock.Epoch) {
		t.Fatalf("first load: price %v, status %+v", inputPrice(l, "m"), first)
	}

	// Same size and modification time: not read again (a stat per poll).
	mod := testclock.Epoch.Add(time.Hour)
	rewrite(t, path, priced("m", 2e-06), mod)
	if err := l.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	rewrite(t, path, priced("m", 3e-06), mod)
	clock.Advance(time.Minute)
	if err := l.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	if got := inputPrice(l, "m"); got != 2 {
		t.Fatalf("a rewrite with the same size and time was read: price %v, want 2", got)
	}
	// A new modification time is a change.
	rewrite(t, path, priced("m", 3e-06), mod.Add(time.Second))
	clock.Advance(time.Minute)
	if err := l.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	st := l.Status()
	if got := inputPrice(l, "m"); got != 3 || st.Version == first.Version || !st.LoadedAt.Equal(clock.Now()) {
		t.Fatalf("after the change: price %v, status %+v", got, st)
	}
	// The admin reload reads the file even when it looks unchanged.
	rewrite(t, path, priced("m", 4e-06), mod.Add(time.Second))
	if err := l.Reload(ctx); err != nil || inputPrice(l, "m") != 4 {
		t.Fatalf("forced reload: %v, price %v", err, inputPrice(l, "m"))
	}
}

func TestLoaderKeepsLastGoodTableOnBadFile(t *testing.T) {
	l, clock, path := clockedLoader(t, priced("m", 1e-06), 1<<10)
	ctx := context.Background()
	if err := l.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	good := l.Status()
	errorsBefore := LoadErrors()
	for i, tc := range []struct{ name, doc, want string }{
		{"malformed", `{"m": {"input_cost_per_token": 2e-06`, "invalid JSON"},
		{"empty object", `{}`, "no usable model"},
		{"too large", `{"m": {"mode": "chat", "input_cost_per_token": 2e-06, "pad": "` + strings.Repeat("x", 2<<10) + `"}}`, "max_size"},
	} {
		clock.Advance(time.Minute)
		rewrite(t, path, tc.doc, testclock.Epoch.Add(time.Duration(i+1)*time.Hour))
		err := l.Poll(ctx)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Fatalf("%s: error %v, want one mentioning %q", tc.name, err, tc.want)
		}
		st := l.Status()
		if inputPrice(l, "m") != 1 || st.Entries != 1 || st.Version != good.Version || !st.LoadedAt.Equal(good.LoadedAt) {
			t.Fatalf("%s: the last good table is not kept: price %v, status %+v", tc.name, inputPrice(l, "m"), st)
		}
		if st.LastError != err.Error() || !st.LastErrorAt.Equal(clock.Now()) || st.LoadErrors != int64(i+1) {
			t.Fatalf("%s: status does not report the failure: %+v", tc.name, st)
		}
		// An unchanged broken file is reported once, not on every poll.
		if err := l.Poll(ctx); err != nil {
			t.Fatalf("%s: unchanged broken file reported again: %v", tc.name, err)
		}
	}
	if got := LoadErrors() - errorsBefore; got != 3 {
		t.Fatalf("process-wide load errors rose by %d, want 3", got)
	}
	// A missing file is an error too; a good file clears the last error.
	rewrite(t, path, priced("m", 5e-06), testclock.Epoch.Add(9*time.Hour))
	if err := l.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	if st := l.Status(); st.LastError != "" || st.LoadErrors != 3 || inputPrice(l, "m") != 5 {
		t.Fatalf("after a good file: %+v", st)
	}
	missing, err := NewLoader(Config{File: path + ".gone"})
	if err != nil {
		t.Fatal(err)
	}
	if err := missing.Reload(ctx); err == nil || strings.Contains(err.Error(), path) {
		t.Fatalf("missing file: %v (want an error without the path)", err)
	}
	if s, ok := missing.Lookup("openai", "gpt-4o"); !ok || s != builtin["gpt-4o"] {
		t.Fatal("with nothing loaded the built-in table serves")
	}
}

// catalogServer serves a catalog document with an ETag and Last-Modified
// and answers conditional requests with 304; it records what it was asked.
type catalogServer struct {
	mu           sync.Mutex
	doc          string
	etag         string
	lastModified string
	status       int // 0: 200
	requests     []http.Header
	notModified  int
}

func (s *catalogServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, r.Header.Clone())
	if s.status != 0 {
		w.WriteHeader(s.status)
		return
	}
	if (s.etag != "" && r.Header.Get("If-None-Match") == s.etag) ||
		(s.etag == "" && s.lastModified != "" && r.Header.Get("If-Modified-Since") == s.lastModified) {
		s.notModified++
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if s.etag != "" {
		w.Header().Set("ETag", s.etag)
	}
	if s.lastModified != "" {
		w.Header().Set("Last-Modified", s.lastModified)
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(s.doc))
}

func (s *catalogServer) set(doc, etag, lastModified string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.doc, s.etag, s.lastModified = doc, etag, lastModified
}

func (s *catalogServer) last() http.Header {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[len(s.requests)-1]
}

func urlLoader(t *testing.T, url string, cfg Config) *Loader {
	t.Helper()
	cfg.URL = url
	l, err := NewLoader(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	return l
}

func TestLoaderURLConditionalRequests(t *testing.T) {
	cs := &catalogServer{}
	cs.set(priced("m", 1e-06), `"v1"`, "")
	srv := httptest.NewServer(cs)
	defer srv.Close()
	l := urlLoader(t, srv.URL+"/prices.json", Config{})
	ctx := context.Background()

	if err := l.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	if h := cs.last(); h.Get("If-None-Match") != "" {
		t.Fatalf("the first request is conditional: %v", h)
	}
	if st := l.Status(); inputPrice(l, "m") != 1 || st.ETag != `"v1"` {
		t.Fatalf("first load: price %v, status %+v", inputPrice(l, "m"), st)
	}
	if err := l.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	if h := cs.last(); h.Get("If-None-Match") != `"v1"` || cs.notModified != 1 {
		t.Fatalf("second request: If-None-Match %q, 304s %d", h.Get("If-None-Match"), cs.notModified)
	}
	if inputPrice(l, "m") != 1 || l.Status().LastError != "" {
		t.Fatal("a 304 keeps the table and is no error")
	}
	cs.set(priced("m", 2e-06), `"v2"`, "")
	if err := l.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	if st := l.Status(); inputPrice(l, "m") != 2 || st.ETag != `"v2"` {
		t.Fatalf("changed document: price %v, status %+v", inputPrice(l, "m"), st)
	}
	// The admin reload asks unconditionally.
	if err := l.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if h := cs.last(); h.Get("If-None-Match") != "" {
		t.Fatal("a forced reload must not be conditional")
	}

	// Without an ETag, Last-Modified / If-Modified-Since.
	lm := "Wed, 21 Oct 2026 07:28:00 GMT"
	cs.set(priced("m", 3e-06), "", lm)
	if err := l.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if err := l.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	if h := cs.last(); h.Get("If-Modified-Since") != lm || cs.notModified != 2 || inputPrice(l, "m") != 3 {
		t.Fatalf("If-Modified-Since %q, 304s %d, price %v", h.Get("If-Modified-Since"), cs.notModified, inputPrice(l, "m"))
	}
}

func TestLoaderURLFailuresKeepLastGoodTable(t *testing.T) {
	cs := &catalogServer{}
	cs.set(priced("m", 1e-06), `"good"`, "")
	srv := httptest.NewServer(cs)
	defer srv.Close()
	l := urlLoader(t, srv.URL, Config{MaxSize: 4 << 10})
	ctx := context.Background()
	if err := l.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	check := func(name, want string) {
		t.Helper()
		err := l.Poll(ctx)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("%s: error %v, want one mentioning %q", name, err, want)
		}
		if st := l.Status(); inputPrice(l, "m") != 1 || st.LastError == "" || st.Entries != 1 {
			t.Fatalf("%s: price %v, status %+v", name, inputPrice(l, "m"), st)
		}
	}
	cs.set(`{"m": {"input_cost_per_token": `, `"broken"`, "")
	check("malformed JSON", "invalid JSON")
	// The broken document's ETag was not kept: the next poll asks again.
	if err := l.Poll(ctx); err == nil || cs.last().Get("If-None-Match") != `"good"` {
		t.Fatalf("after a malformed document: %v, If-None-Match %q", err, cs.last().Get("If-None-Match"))
	}
	cs.set(`{"m": {"mode": "chat", "input_cost_per_token": 2e-06, "pad": "`+strings.Repeat("x", 8<<10)+`"}}`, `"huge"`, "")
	check("huge body with Content-Length", "max_size")
	cs.mu.Lock()
	cs.status = http.StatusServiceUnavailable
	cs.mu.Unlock()
	check("HTTP 503", "HTTP 503")

	// A body without a length is cut at max_size too.
	chunked := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"m": {"mode": "chat", "pad": "`))
		w.(http.Flusher).Flush()
		for range 10 {
			w.Write([]byte(strings.Repeat("y", 1<<10)))
		}
		w.Write([]byte(`"}}`))
	}))
	defer chunked.Close()
	lc := urlLoader(t, chunked.URL, Config{MaxSize: 4 << 10})
	if err := lc.Reload(ctx); err == nil || !strings.Contains(err.Error(), "max_size") {
		t.Fatalf("chunked huge body: %v", err)
	}
}

func TestLoaderURLSlowServerTimesOut(t *testing.T) {
	release := make(chan struct{})
	var asked atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		select { // answer only after the client gave up
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	l := urlLoader(t, srv.URL, Config{Timeout: 50 * time.Millisecond})
	err := l.Reload(context.Background())
	if err == nil || !strings.Contains(err.Error(), "timed out after 50ms") || asked.Load() != 1 {
		t.Fatalf("slow server: %v", err)
	}
	if st := l.Status(); st.LastError != err.Error() || st.Entries != 0 {
		t.Fatalf("status: %+v", st)
	}
}

// Credentials in the URL (user info, a token in the query) never reach the
// status, an error or a log line.
func TestLoaderURLCredentialsStayHidden(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
	}))
	defer srv.Close()
	u := strings.Replace(srv.URL, "http://", "http://user:s3cret@", 1) + "/p.json?token=s3cret"
	l := urlLoader(t, u, Config{})
	err := l.Reload(context.Background())
	st := l.Status()
	for _, s := range []string{err.Error(), st.Source, st.LastError} {
		if strings.Contains(s, "s3cret") {
			t.Fatalf("credential shown: %q", s)
		}
	}
	if st.Source != srv.URL+"/p.json" {
		t.Fatalf("source %q", st.Source)
	}
	// An unreachable host: the transport error must not carry the URL.
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := strings.Replace(dead.URL, "http://", "http://user:s3cret@", 1) + "?token=s3cret"
	dead.Close()
	ld := urlLoader(t, deadURL, Config{})
	if err := ld.Reload(context.Background()); err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("unreachable: %v", err)
	}
}

func TestNewLoaderRefusesBadConfig(t *testing.T) {
	for name, cfg := range map[string]Config{
		"nothing":        {},
		"both":           {File: "a.json", URL: "https://example.com/a.json"},
		"not http":       {URL: "file:///etc/passwd"},
		"no host":        {URL: "https:///a.json"},
		"negative limit": {File: "a.json", MaxSize: -1},
	} {
		if _, err := NewLoader(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	l, err := NewLoader(Config{URL: "https://example.com/p.json"})
	if err != nil {
		t.Fatal(err)
	}
	if l.cfg.Refresh != DefaultURLRefresh || l.cfg.MaxSize != DefaultMaxSize || l.cfg.Timeout != DefaultTimeout {
		t.Fatalf("defaults: %+v", l.cfg)
	}
}

// The polling loop loads a changed file on its tick, and Close stops it
// (goleak in TestMain checks that nothing is left running).
func TestLoaderLoopPollsAndStops(t *testing.T) {
	path := writeFile(t, priced("m", 1e-06))
	l := fileLoader(t, path)
	ticks := make(chan time.Time)
	l.ticks = ticks
	l.Start()
	if len(Live()) != 1 {
		t.Fatalf("live loaders: %d", len(Live()))
	}
	rewrite(t, path, priced("m", 2e-06), testclock.Epoch.Add(time.Hour))
	ticks <- time.Time{} // the loop takes the tick and polls...
	ticks <- time.Time{} // ...and takes the next only after that poll
	if got := inputPrice(l, "m"); got != 2 {
		t.Fatalf("after a tick: price %v, want 2", got)
	}
	l.Close()
	l.Close() // twice is harmless
	if len(Live()) != 0 {
		t.Fatal("a closed loader is still reported")
	}
	if inputPrice(l, "m") != 2 {
		t.Fatal("the last table stays readable after Close")
	}
}
