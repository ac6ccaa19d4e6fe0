package azure

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// fakeCredential issues numbered tokens valid for an hour of the test clock.
type fakeCredential struct {
	mu     sync.Mutex
	now    func() time.Time
	calls  int
	scopes []string
	fail   error
}

func (c *fakeCredential) GetToken(_ context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	c.scopes = opts.Scopes
	if c.fail != nil {
		return azcore.AccessToken{}, c.fail
	}
	return azcore.AccessToken{Token: "entra-token-" + string(rune('0'+c.calls)) + "-abcdefgh", ExpiresOn: c.now().Add(time.Hour)}, nil
}

// TestEntraTokenCachedAndRefreshed drives the token cache with a test
// clock: one token request while the token is fresh, a new one when it is
// due, the old one kept while a refresh fails and it is still valid.
func TestEntraTokenCachedAndRefreshed(t *testing.T) {
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	cred := &fakeCredential{now: now}
	scrub := providers.NewScrubber()
	ts := &tokenSource{cred: cred, scrub: scrub, now: now}
	ctx := context.Background()

	tok1, err := ts.token(ctx)
	if err != nil || tok1 != "entra-token-1-abcdefgh" {
		t.Fatal(tok1, err)
	}
	if len(cred.scopes) != 1 || cred.scopes[0] != "https://cognitiveservices.azure.com/.default" {
		t.Errorf("scopes %v", cred.scopes)
	}
	clock = clock.Add(50 * time.Minute)
	if tok, _ := ts.token(ctx); tok != tok1 || cred.calls != 1 {
		t.Errorf("fresh token re-requested: %s after %d calls", tok, cred.calls)
	}
	clock = clock.Add(6 * time.Minute) // within 5 minutes of expiry: refresh
	tok2, err := ts.token(ctx)
	if err != nil || tok2 == tok1 || cred.calls != 2 {
		t.Errorf("refresh: %s %v after %d calls", tok2, err, cred.calls)
	}
	// The token is a credential: the scrubber knows it.
	if got := scrub.Scrub("echo " + tok2); strings.Contains(got, tok2) {
		t.Errorf("token not scrubbed: %s", got)
	}

	cred.fail = errors.New("AADSTS7000215: Invalid client secret provided")
	clock = clock.Add(56 * time.Minute) // due, not yet expired
	if tok, err := ts.token(ctx); err != nil || tok != tok2 {
		t.Errorf("failed refresh with a valid token: %s %v", tok, err)
	}
	clock = clock.Add(10 * time.Minute) // expired
	_, err = ts.token(ctx)
	if e := asError(t, err); e.Kind != providers.KindAuth || strings.Contains(e.Message, "AADSTS") {
		t.Errorf("expired, refresh failing: %+v", e)
	}
}

// TestEntraBearerReachesResource: with Entra, requests carry the token as
// Authorization: Bearer and no api-key.
func TestEntraBearerReachesResource(t *testing.T) {
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cred := &fakeCredential{now: func() time.Time { return clock }}
	srv, rec := fakeResource(t, fakeupstream.AzureConfig{Token: "entra-token-1-abcdefgh"})
	a := newAzure(t, srv, func(a *Azure) {
		a.APIKeys = nil
		a.Entra = &Entra{Credential: DefaultChain}
	})
	a.tokens.cred, a.tokens.now = cred, func() time.Time { return clock }
	for range 2 {
		if _, err := a.Chat(context.Background(), providers.Target{Model: "gpt-4o"}, chatRequest(t, hello)); err != nil {
			t.Fatal(err)
		}
	}
	h := rec.Last().Header
	if h.Get("Authorization") != "Bearer entra-token-1-abcdefgh" || h.Get("Api-Key") != "" || cred.calls != 1 {
		t.Errorf("headers %v after %d token requests", h, cred.calls)
	}
}

// fakeAuthority is a minimal Microsoft Entra ID token endpoint: the
// tenant's OpenID configuration and the client credentials grant.
func fakeAuthority(t *testing.T, secret string, issued *atomic.Int64) *httptest.Server {
	var srv *httptest.Server
	srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(r.URL.Path, "/v2.0/.well-known/openid-configuration"):
			tenant := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")[0]
			base := srv.URL + "/" + tenant
			_ = json.NewEncoder(w).Encode(map[string]any{
				"token_endpoint":         base + "/oauth2/v2.0/token",
				"authorization_endpoint": base + "/oauth2/v2.0/authorize",
				"issuer":                 base + "/v2.0",
			})
		case strings.HasSuffix(r.URL.Path, "/oauth2/v2.0/token"):
			_ = r.ParseForm()
			if r.PostForm.Get("client_secret") != secret || r.PostForm.Get("grant_type") != "client_credentials" ||
				!strings.Contains(r.PostForm.Get("scope"), Scope) {
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = w.Write([]byte(`{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}`))
				return
			}
			issued.Add(1)
			_ = json.NewEncoder(w).Encode(map[string]any{
				"token_type": "Bearer", "expires_in": 3600, "ext_expires_in": 3600, "access_token": "aad-access-token-0123456789",
			})
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestEntraClientSecretWithAzidentity runs azidentity's
// ClientSecretCredential against a fake authority on loopback: the token
// it gets is what the resource receives, requested once for two calls.
func TestEntraClientSecretWithAzidentity(t *testing.T) {
	const secret = "client-secret-0123456789"
	var issued atomic.Int64
	authority := fakeAuthority(t, secret, &issued)
	srv, rec := fakeResource(t, fakeupstream.AzureConfig{Token: "aad-access-token-0123456789"})
	a := newAzure(t, srv, func(a *Azure) {
		a.APIKeys = nil
		a.Entra = &Entra{Credential: ClientSecret, TenantID: "00000000-0000-0000-0000-000000000001",
			ClientID: "11111111-0000-0000-0000-000000000001", ClientSecret: secret,
			AuthorityHost: authority.URL + "/", clientOptions: azcore.ClientOptions{Transport: authority.Client()}}
	})
	for range 2 {
		if _, err := a.Chat(context.Background(), providers.Target{Model: "gpt-4o"}, chatRequest(t, hello)); err != nil {
			t.Fatal(err)
		}
	}
	if h := rec.Last().Header.Get("Authorization"); h != "Bearer aad-access-token-0123456789" || issued.Load() != 1 {
		t.Errorf("Authorization %q after %d tokens issued", h, issued.Load())
	}

	// A wrong secret is an auth error that names neither the secret nor
	// the authority's text.
	b := newAzure(t, srv, func(a *Azure) {
		a.APIKeys = nil
		a.Entra = &Entra{Credential: ClientSecret, TenantID: "00000000-0000-0000-0000-000000000001",
			ClientID: "11111111-0000-0000-0000-000000000001", ClientSecret: "wrong-secret-0123456789",
			AuthorityHost: authority.URL + "/", clientOptions: azcore.ClientOptions{Transport: authority.Client()}}
	})
	_, err := b.Chat(context.Background(), providers.Target{Model: "gpt-4o"}, chatRequest(t, hello))
	e := asError(t, err)
	if e.Kind != providers.KindAuth || strings.Contains(e.Error(), "wrong-secret") || e.Err == nil ||
		strings.Contains(e.Err.Error(), "wrong-secret-0123456789") {
		t.Errorf("wrong secret: %+v", e)
	}
}
