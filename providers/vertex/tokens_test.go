package vertex

import (
	"context"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// TestTokenRefreshedBeforeExpiry: the service account's token, fetched
// from the token endpoint with a signed JWT, serves every request while
// fresh and is replaced shortly before it expires, so the upstream never
// sees an expired one.
func TestTokenRefreshedBeforeExpiry(t *testing.T) {
	clock := newClock()
	f, rec := fakeupstream.NewVertex(t, fakeupstream.VertexConfig{Now: clock.Now})
	v := newVertex(t, f, clock, nil)
	chat := func() string {
		t.Helper()
		if _, err := v.Chat(context.Background(), providers.Target{Model: "gemini-2.5-flash"}, chatRequest(t, hello)); err != nil {
			t.Fatal(err)
		}
		return rec.Last().Header.Get("Authorization")
	}
	first := chat()
	clock.Advance(50 * time.Minute)
	if got := chat(); got != first || f.Issued() != 1 {
		t.Errorf("fresh token replaced: %d issued", f.Issued())
	}
	clock.Advance(7 * time.Minute) // 3 minutes left: due
	second := chat()
	if second == first || f.Issued() != 2 {
		t.Errorf("token not refreshed before expiry: %d issued", f.Issued())
	}
	clock.Advance(10 * time.Minute) // the first token has expired; the second serves
	if got := chat(); got != second || f.Issued() != 2 {
		t.Errorf("second token: %d issued", f.Issued())
	}
	// Every token is a credential: the scrubber knows it.
	tok := strings.TrimPrefix(second, "Bearer ")
	if got := v.Scrubber().Scrub("echo " + tok); strings.Contains(got, tok) {
		t.Errorf("token not scrubbed: %s", got)
	}
}

// TestExpiredTokenIsVertex401: a token the upstream holds for expired (a
// clock the gateway does not share) is Vertex's 401 UNAUTHENTICATED, an
// auth error that quotes no token.
func TestExpiredTokenIsVertex401(t *testing.T) {
	clock := newClock()
	f, _ := fakeupstream.NewVertex(t, fakeupstream.VertexConfig{Now: clock.Now})
	v := newVertex(t, f, newClock(), nil) // the gateway's clock stands still
	ctx := context.Background()
	if _, err := v.Chat(ctx, providers.Target{Model: "claude-sonnet-4-5"}, chatRequest(t, hello)); err != nil {
		t.Fatal(err)
	}
	clock.Advance(2 * time.Hour)
	for _, model := range []string{"claude-sonnet-4-5", "gemini-2.5-flash"} {
		_, err := v.Chat(ctx, providers.Target{Model: model}, chatRequest(t, hello))
		e := asError(t, err)
		if e.Kind != providers.KindAuth || e.Code != "ACCESS_TOKEN_EXPIRED" || !strings.Contains(e.Message, "invalid authentication credentials") ||
			strings.Contains(e.Error(), "ya29.") {
			t.Errorf("%s: %+v", model, e)
		}
	}
}

// TestWrongServiceAccountKey: the token endpoint refuses an assertion
// signed with another key; the request fails as an auth error naming the
// OAuth2 error code, never the key.
func TestWrongServiceAccountKey(t *testing.T) {
	f, rec := fakeupstream.NewVertex(t, fakeupstream.VertexConfig{})
	v := newVertex(t, f, nil, func(v *Vertex) { v.CredentialsJSON = f.ServiceAccountJSON(true) })
	_, err := v.Chat(context.Background(), providers.Target{Model: "gemini-2.5-flash"}, chatRequest(t, hello))
	e := asError(t, err)
	if e.Kind != providers.KindAuth || !strings.Contains(e.Message, "invalid_grant") || strings.Contains(e.Error(), "PRIVATE KEY") {
		t.Errorf("%+v", e)
	}
	if rec.Count() != 0 || f.Issued() != 0 {
		t.Errorf("%d requests sent, %d tokens", rec.Count(), f.Issued())
	}
}

// A refresh that fails while the old token is still valid keeps the old
// one; once it has expired the failure is the request's.
func TestFailedRefreshKeepsValidToken(t *testing.T) {
	clock := newClock()
	calls := 0
	var fail error
	s := &tokenSource{scrub: providers.NewScrubber(), now: clock.Now, fetch: func(context.Context) (*oauth2.Token, error) {
		// oauth2 sets Expiry on the real clock from expires_in.
		calls++
		if fail != nil {
			return nil, fail
		}
		return &oauth2.Token{AccessToken: "ya29.token-" + string(rune('0'+calls)) + "-abcdefgh", Expiry: time.Now().Add(time.Hour)}, nil
	}}
	ctx := context.Background()
	tok1, err := s.token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fail = &oauth2.RetrieveError{ErrorCode: "temporarily_unavailable", ErrorDescription: "try later"}
	clock.Advance(58 * time.Minute)
	if tok, err := s.token(ctx); err != nil || tok != tok1 || calls != 2 {
		t.Errorf("valid token not kept: %q %v after %d calls", tok, err, calls)
	}
	clock.Advance(3 * time.Minute)
	_, err = s.token(ctx)
	if e := asError(t, err); e.Kind != providers.KindAuth || !strings.Contains(e.Message, "temporarily_unavailable") || strings.Contains(e.Message, "try later") {
		t.Errorf("%+v", e)
	}
	// A short-lived token is replaced halfway through its life, not on
	// every request.
	fail, calls = nil, 0
	s.fetch = func(context.Context) (*oauth2.Token, error) {
		calls++
		return &oauth2.Token{AccessToken: "ya29.short-lived-token", Expiry: time.Now().Add(2 * time.Minute)}, nil
	}
	for range 3 {
		if _, err := s.token(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if calls != 1 {
		t.Errorf("short-lived token fetched %d times", calls)
	}
	clock.Advance(61 * time.Second)
	if _, err := s.token(ctx); err != nil || calls != 2 {
		t.Errorf("short-lived token not refreshed: %v, %d calls", err, calls)
	}
}

// While one request refreshes a due token, the others use the old one
// (still valid) instead of waiting for the token endpoint.
func TestRefreshInProgressDoesNotBlock(t *testing.T) {
	clock := newClock()
	calls := 0
	s := &tokenSource{scrub: providers.NewScrubber(), now: clock.Now, fetch: func(context.Context) (*oauth2.Token, error) {
		calls++
		return &oauth2.Token{AccessToken: "ya29.token-" + string(rune('0'+calls)) + "-abcdefgh", Expiry: time.Now().Add(time.Hour)}, nil
	}}
	ctx := context.Background()
	tok1, err := s.token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(58 * time.Minute)
	s.mu.Lock() // a refresh in progress
	got, err := s.token(ctx)
	s.mu.Unlock()
	if err != nil || got != tok1 || calls != 1 {
		t.Errorf("during a refresh: %q %v, %d fetches", got, err, calls)
	}
	if got, _ := s.token(ctx); got == tok1 || calls != 2 {
		t.Errorf("after it: %q, %d fetches", got, calls)
	}
}
