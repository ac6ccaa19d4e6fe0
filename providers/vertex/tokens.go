package vertex

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// refreshMargin is how long before expiry a token is replaced. Google's
// own libraries refresh 3m45s early: the metadata server hands out the
// token it holds until about 4 minutes before expiry, so a larger margin
// would fetch the same token again and again.
const refreshMargin = 3*time.Minute + 45*time.Second

// tokenSource hands out the current access token and fetches a new one
// when it is due: while the token is fresh, the request path costs one
// atomic load.
type tokenSource struct {
	creds  *credentials
	client *http.Client // makes the token requests
	scrub  *providers.Scrubber
	now    func() time.Time
	// fetch gets a new token; tests replace it.
	fetch func(ctx context.Context) (*oauth2.Token, error)

	mu  sync.Mutex // one refresh at a time
	cur atomic.Pointer[cachedToken]
}

type cachedToken struct {
	value     string
	refreshAt time.Time // zero: never
	expiry    time.Time // zero: never
}

func newTokenSource(c *credentials, client *http.Client, scrub *providers.Scrubber) *tokenSource {
	s := &tokenSource{creds: c, client: client, scrub: scrub, now: time.Now}
	s.fetch = s.fetchFromCredentials
	return s
}

func (s *tokenSource) fetchFromCredentials(ctx context.Context) (*oauth2.Token, error) {
	src, err := s.creds.source(ctx, s.client)
	if err != nil {
		return nil, err
	}
	return src.Token()
}

func (t *cachedToken) fresh(now time.Time) bool {
	return t != nil && (t.refreshAt.IsZero() || now.Before(t.refreshAt))
}

func (t *cachedToken) valid(now time.Time) bool {
	return t != nil && (t.expiry.IsZero() || now.Before(t.expiry))
}

// token returns a valid access token. When a refresh fails while the old
// token is still valid, the old one is used; the next request tries again.
func (s *tokenSource) token(ctx context.Context) (string, error) {
	now := s.now()
	tok := s.cur.Load()
	switch {
	case tok.fresh(now):
		return tok.value, nil
	case tok.valid(now):
		// Due but valid: one request refreshes, the others go on with
		// the old token rather than queue behind the token endpoint.
		if !s.mu.TryLock() {
			return tok.value, nil
		}
	default:
		s.mu.Lock()
	}
	defer s.mu.Unlock()
	now = s.now()
	old := s.cur.Load()
	if old.fresh(now) { // another request refreshed it meanwhile
		return old.value, nil
	}
	fetched, err := s.fetch(ctx)
	if err == nil && (fetched == nil || fetched.AccessToken == "") {
		err = errors.New("empty token")
	}
	if err != nil {
		if old.valid(now) {
			return old.value, nil
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return "", providers.Classify(ctxErr)
		}
		return "", tokenError(err)
	}
	s.scrub.Add(fetched.AccessToken) // an upstream that echoes it must not reach a client
	// The token's Expiry is on the real clock; its lifetime is what counts.
	s.cur.Store(schedule(fetched.AccessToken, fetched.Expiry, time.Until(fetched.Expiry), now))
	return fetched.AccessToken, nil
}

// schedule sets when a token that lives for life from now is replaced:
// refreshMargin before it expires, or halfway through a lifetime shorter
// than two margins. A zero expiry never expires.
func schedule(value string, expiry time.Time, life time.Duration, now time.Time) *cachedToken {
	c := &cachedToken{value: value}
	if expiry.IsZero() {
		return c
	}
	c.expiry = now.Add(life)
	if life < 2*refreshMargin {
		c.refreshAt = now.Add(life / 2)
	} else {
		c.refreshAt = c.expiry.Add(-refreshMargin)
	}
	return c
}

// tokenError is the auth error of a failed token request. It names the
// OAuth2 error code (invalid_grant, …) but not the token endpoint's text.
func tokenError(err error) *providers.Error {
	msg := "could not get a Google OAuth2 access token"
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		code := re.ErrorCode
		if code == "" { // the JWT flow leaves the body unparsed
			var body struct {
				Error string `json:"error"`
			}
			if json.Unmarshal(re.Body, &body) == nil {
				code = body.Error
			}
		}
		if code != "" && len(code) < 64 && !strings.ContainsAny(code, " \n\"") {
			msg += " (" + code + ")"
		}
	}
	return &providers.Error{Kind: providers.KindAuth, Message: msg, Err: err}
}
