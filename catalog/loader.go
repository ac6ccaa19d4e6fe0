package catalog

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
)

// Defaults of a Loader.
const (
	DefaultMaxSize     = 32 << 20 // LiteLLM's own file is about 1.5 MB
	DefaultTimeout     = 10 * time.Second
	DefaultFileRefresh = 30 * time.Second // a stat call: cheap
	DefaultURLRefresh  = time.Hour        // a conditional request
)

// Config says where a Loader reads its catalog. Exactly one of File and
// URL is set.
type Config struct {
	File    string
	URL     string
	Refresh time.Duration // how often to check for a change; 0 = default
	MaxSize int64         // refuse a larger document; 0 = DefaultMaxSize
	Timeout time.Duration // for one HTTP request, body included; 0 = DefaultTimeout
	Now     func() time.Time
	Logger  *zap.Logger
}

// Loader keeps a catalog loaded from a LiteLLM-format file or URL up to
// date. A failed load (unreadable, malformed, too large, unreachable, an
// HTTP error) keeps the last good table, is logged and counted, and shows
// in Status.
type Loader struct {
	cfg    Config
	source string
	client *http.Client
	log    *zap.Logger

	cur atomic.Pointer[table]

	// loadMu makes loads one at a time and guards the validators below.
	loadMu       sync.Mutex
	etag         string
	lastModified string
	fileMod      time.Time // stat of the file at the last attempt
	fileSize     int64
	fileSeen     bool

	stMu sync.Mutex
	st   Status

	stopOnce sync.Once
	cancel   context.CancelFunc
	done     chan struct{}
	ticks    <-chan time.Time // tests drive the polling loop; nil: a ticker
}

// NewLoader checks cfg and returns a loader that has not loaded anything
// yet: call Reload for the first load, then Start.
func NewLoader(cfg Config) (*Loader, error) {
	switch {
	case cfg.File == "" && cfg.URL == "":
		return nil, errors.New("catalog: set a file or a url")
	case cfg.File != "" && cfg.URL != "":
		return nil, errors.New("catalog: set a file or a url, not both")
	case cfg.MaxSize < 0 || cfg.Refresh < 0 || cfg.Timeout < 0:
		return nil, errors.New("catalog: refresh, max_size and timeout must not be negative")
	}
	l := &Loader{cfg: cfg, log: cfg.Logger, source: cfg.File}
	if cfg.URL != "" {
		u, err := url.Parse(cfg.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("catalog: url must be an http or https URL")
		}
		l.source = displayURL(u)
		if l.cfg.Timeout == 0 {
			l.cfg.Timeout = DefaultTimeout
		}
		l.client = &http.Client{Timeout: l.cfg.Timeout}
	}
	if l.cfg.MaxSize == 0 {
		l.cfg.MaxSize = DefaultMaxSize
	}
	if l.cfg.Refresh == 0 {
		l.cfg.Refresh = DefaultFileRefresh
		if cfg.URL != "" {
			l.cfg.Refresh = DefaultURLRefresh
		}
	}
	if l.cfg.Now == nil {
		l.cfg.Now = time.Now
	}
	if l.log == nil {
		l.log = zap.NewNop()
	}
	l.st = Status{Source: l.source, Refresh: l.cfg.Refresh.String()}
	return l, nil
}

// displayURL drops credentials and the query (which may hold a token), so
// the source can be shown, logged and used as a metric label.
func displayURL(u *url.URL) string {
	c := *u
	c.User = nil
	c.RawQuery = ""
	c.ForceQuery = false
	c.Fragment = ""
	return c.String()
}

// Source is the file path, or the URL without credentials or query.
func (l *Loader) Source() string { return l.source }

// Start checks the source every Refresh interval until Close: a file when
// its modification time or size changed, a URL with a conditional request.
func (l *Loader) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	l.cancel = cancel
	l.done = make(chan struct{})
	live.Store(l, struct{}{})
	go l.run(ctx)
}

func (l *Loader) run(ctx context.Context) {
	defer close(l.done)
	ticks := l.ticks
	if ticks == nil {
		tick := time.NewTicker(l.cfg.Refresh)
		defer tick.Stop()
		ticks = tick.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticks:
			_ = l.Poll(ctx) // the outcome is logged and in Status
		}
	}
}

// Close stops the polling goroutine and waits for it; an in-flight
// request is cancelled. The last table stays readable.
func (l *Loader) Close() {
	l.stopOnce.Do(func() {
		live.Delete(l)
		if l.cancel != nil {
			l.cancel()
			<-l.done
		}
		if l.client != nil {
			l.client.CloseIdleConnections()
		}
	})
}

// Poll loads the source if it changed: for a file, when its modification
// time or size differ from the last attempt; for a URL, when the server
// does not answer 304 Not Modified to a conditional request.
func (l *Loader) Poll(ctx context.Context) error { return l.load(ctx, false) }

// Reload loads the source unconditionally (the admin endpoint).
func (l *Loader) Reload(ctx context.Context) error { return l.load(ctx, true) }

// Status returns the loader's state.
func (l *Loader) Status() Status {
	l.stMu.Lock()
	defer l.stMu.Unlock()
	return l.st
}

// Lookup returns a model's spec from the loaded table, then the built-in
// table. l may be nil.
func (l *Loader) Lookup(providerType, model string) (Spec, bool) {
	if t := l.table(); t != nil {
		if s, ok := t.lookup(providerType, model); ok {
			return s, true
		}
	}
	return Lookup(model)
}

// table is the loaded table, or nil when nothing loaded (or l is nil).
func (l *Loader) table() *table {
	if l == nil {
		return nil
	}
	return l.cur.Load()
}

func (l *Loader) load(ctx context.Context, force bool) error {
	l.loadMu.Lock()
	defer l.loadMu.Unlock()
	now := l.cfg.Now()
	var got fetched
	var err error
	if l.cfg.URL != "" {
		got, err = l.fetch(ctx, force)
	} else {
		got, err = l.readFile(force)
	}
	if err == nil && got.doc != nil {
		err = l.install(got.doc, now)
		// Validators are kept only with the document they describe: a
		// malformed document is fetched again, not declared unchanged.
		if err == nil {
			l.etag, l.lastModified = got.etag, got.lastModified
		}
	}
	l.stMu.Lock()
	l.st.CheckedAt = now
	l.st.ETag, l.st.LastModified = l.etag, l.lastModified
	if err != nil {
		l.st.LoadErrors++
		l.st.LastError = err.Error()
		l.st.LastErrorAt = now
	}
	entries := l.st.Entries
	l.stMu.Unlock()
	if err != nil {
		loadErrors.Add(1)
		l.log.Warn("price catalog not loaded; keeping the last good table",
			zap.String("source", l.source), zap.Int("entries_in_use", entries), zap.Error(err))
	}
	return err
}

// fetched is a document read from the source; doc is nil when the source
// is unchanged.
type fetched struct {
	doc                []byte
	etag, lastModified string
}

// install decodes doc and swaps it in.
func (l *Loader) install(doc []byte, now time.Time) error {
	d, err := decodeLiteLLM(doc)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(doc)
	version := hex.EncodeToString(sum[:6])
	l.cur.Store(newTable(d))
	l.stMu.Lock()
	l.st.Version = version
	l.st.LoadedAt = now
	l.st.Entries = len(d.specs)
	l.st.Skipped = d.skipped
	l.st.LastError = ""
	l.st.LastErrorAt = time.Time{}
	l.stMu.Unlock()
	l.log.Info("price catalog loaded",
		zap.String("source", l.source), zap.String("version", version),
		zap.Int("entries", len(d.specs)), zap.Int("skipped", d.skipped))
	return nil
}

// readFile reads the file when it changed since the last attempt (or
// force). A failed attempt is remembered too, so a broken file is reported
// once per change, not on every poll.
func (l *Loader) readFile(force bool) (fetched, error) {
	fi, err := os.Stat(l.cfg.File)
	if err != nil {
		l.fileSeen = false
		return fetched{}, fmt.Errorf("reading catalog file: %v", pathless(err))
	}
	if !force && l.fileSeen && fi.ModTime().Equal(l.fileMod) && fi.Size() == l.fileSize {
		return fetched{}, nil
	}
	l.fileSeen, l.fileMod, l.fileSize = true, fi.ModTime(), fi.Size()
	if fi.Size() > l.cfg.MaxSize {
		return fetched{}, fmt.Errorf("catalog file is %d bytes, more than max_size %d", fi.Size(), l.cfg.MaxSize)
	}
	f, err := os.Open(l.cfg.File)
	if err != nil {
		return fetched{}, fmt.Errorf("reading catalog file: %v", pathless(err))
	}
	defer f.Close()
	doc, err := readLimited(f, l.cfg.MaxSize)
	if err != nil {
		return fetched{}, fmt.Errorf("reading catalog file: %v", err)
	}
	return fetched{doc: doc}, nil
}

// pathless drops the path from an *os.PathError; the source is logged
// beside it anyway.
func pathless(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// fetch asks the server for the document, conditionally unless force.
func (l *Loader) fetch(ctx context.Context, force bool) (fetched, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, l.cfg.URL, nil)
	if err != nil {
		return fetched{}, errors.New("catalog url: cannot build the request")
	}
	req.Header.Set("Accept", "application/json")
	if !force && l.cur.Load() != nil {
		if l.etag != "" {
			req.Header.Set("If-None-Match", l.etag)
		}
		if l.lastModified != "" {
			req.Header.Set("If-Modified-Since", l.lastModified)
		}
	}
	resp, err := l.client.Do(req)
	if err != nil {
		return fetched{}, fetchProblem(err, l.cfg.Timeout)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified:
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10)) // reuse the connection
		return fetched{}, nil
	case resp.StatusCode != http.StatusOK:
		return fetched{}, fmt.Errorf("catalog server answered HTTP %d", resp.StatusCode)
	case resp.ContentLength > l.cfg.MaxSize:
		return fetched{}, fmt.Errorf("catalog is %d bytes, more than max_size %d", resp.ContentLength, l.cfg.MaxSize)
	}
	doc, err := readLimited(resp.Body, l.cfg.MaxSize)
	if err != nil {
		return fetched{}, fmt.Errorf("reading catalog response: %v", fetchProblem(err, l.cfg.Timeout))
	}
	return fetched{doc: doc, etag: resp.Header.Get("ETag"), lastModified: resp.Header.Get("Last-Modified")}, nil
}

// fetchProblem describes a transport failure without the URL, which may
// carry credentials.
func fetchProblem(err error, timeout time.Duration) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Timeout() {
			return fmt.Errorf("catalog request timed out after %v", timeout)
		}
		return fmt.Errorf("catalog request failed: %v", ue.Err)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("catalog request timed out after %v", timeout)
	}
	return err
}

// readLimited reads r whole unless it is longer than limit.
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	doc, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(doc)) > limit {
		return nil, fmt.Errorf("catalog is larger than max_size %d bytes", limit)
	}
	return doc, nil
}
