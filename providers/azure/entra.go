package azure

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/caddyserver/caddy/v2"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// Scope is the OAuth scope of Azure OpenAI (Cognitive Services) tokens.
const Scope = "https://cognitiveservices.azure.com/.default"

// The Entra credential kinds.
const (
	ClientSecret     = "client_secret"
	WorkloadIdentity = "workload_identity"
	ManagedIdentity  = "managed_identity"
	DefaultChain     = "default"
)

// Entra configures Microsoft Entra ID authentication. Values may be
// {env.*} or {file.*} placeholders.
type Entra struct {
	// Credential is client_secret, workload_identity, managed_identity or
	// default (azidentity's DefaultAzureCredential chain).
	Credential string `json:"credential"`
	// TenantID and ClientID of the app registration (client_secret,
	// workload_identity; client_id also picks a user-assigned managed
	// identity).
	TenantID string `json:"tenant_id,omitempty"`
	ClientID string `json:"client_id,omitempty"`
	// ClientSecret of the app registration (client_secret).
	ClientSecret string `json:"client_secret,omitempty"`
	// TokenFile is the federated token file (workload_identity); default
	// AZURE_FEDERATED_TOKEN_FILE.
	TokenFile string `json:"token_file,omitempty"`
	// AuthorityHost replaces https://login.microsoftonline.com/ (sovereign
	// clouds, Azure Stack); instance discovery is then skipped.
	AuthorityHost string `json:"authority_host,omitempty"`

	// clientOptions lets tests send token requests to a fake authority.
	clientOptions azcore.ClientOptions
}

// tokenSource hands out the current token, asking the credential for a
// new one only when it is due for refresh: the request path costs one
// atomic load while the token is fresh.
type tokenSource struct {
	cred  azcore.TokenCredential
	scrub *providers.Scrubber
	now   func() time.Time

	mu  sync.Mutex // one refresh at a time
	cur atomic.Pointer[azcore.AccessToken]
}

// refreshMargin is how long before expiry a token is replaced, when the
// credential gives no RefreshOn of its own.
const refreshMargin = 5 * time.Minute

func (s *tokenSource) fresh(tok *azcore.AccessToken, now time.Time) bool {
	if tok == nil {
		return false
	}
	due := tok.ExpiresOn.Add(-refreshMargin)
	if !tok.RefreshOn.IsZero() && tok.RefreshOn.Before(due) {
		due = tok.RefreshOn
	}
	return now.Before(due)
}

// token returns a valid access token. When a refresh fails while the old
// token is still valid, the old one is used; the next request tries again.
func (s *tokenSource) token(ctx context.Context) (string, error) {
	if tok := s.cur.Load(); s.fresh(tok, s.now()) {
		return tok.Token, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	old := s.cur.Load()
	if s.fresh(old, now) { // another request refreshed it meanwhile
		return old.Token, nil
	}
	tok, err := s.cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{Scope}})
	if err != nil {
		if old != nil && now.Before(old.ExpiresOn) {
			return old.Token, nil
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return "", providers.Classify(ctxErr)
		}
		return "", &providers.Error{Kind: providers.KindAuth, Message: "could not get a Microsoft Entra ID token", Err: err}
	}
	if tok.Token == "" {
		return "", &providers.Error{Kind: providers.KindAuth, Message: "Microsoft Entra ID returned an empty token"}
	}
	s.scrub.Add(tok.Token) // an upstream that echoes it must not reach a client
	s.cur.Store(&tok)
	return tok.Token, nil
}

// tokenSource builds the credential the configuration names.
func (e *Entra) tokenSource(scrub *providers.Scrubber) (*tokenSource, error) {
	repl := caddy.NewReplacer()
	for _, f := range []*string{&e.TenantID, &e.ClientID, &e.ClientSecret, &e.TokenFile, &e.AuthorityHost} {
		v, err := repl.ReplaceOrErr(*f, true, true)
		if err != nil {
			return nil, err
		}
		*f = v
	}
	scrub.Add(e.ClientSecret)
	opts := e.clientOptions
	if e.AuthorityHost != "" {
		u, err := url.Parse(e.AuthorityHost)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			return nil, fmt.Errorf("authority_host %q must be an https URL", e.AuthorityHost)
		}
		opts.Cloud = cloud.Configuration{ActiveDirectoryAuthorityHost: e.AuthorityHost}
	}
	custom := e.AuthorityHost != ""
	var cred azcore.TokenCredential
	var err error
	switch e.Credential {
	case ClientSecret:
		if e.TenantID == "" || e.ClientID == "" || e.ClientSecret == "" {
			return nil, errors.New("client_secret needs tenant_id, client_id and client_secret")
		}
		cred, err = azidentity.NewClientSecretCredential(e.TenantID, e.ClientID, e.ClientSecret,
			&azidentity.ClientSecretCredentialOptions{ClientOptions: opts, DisableInstanceDiscovery: custom})
	case WorkloadIdentity:
		cred, err = azidentity.NewWorkloadIdentityCredential(&azidentity.WorkloadIdentityCredentialOptions{
			ClientOptions: opts, ClientID: e.ClientID, TenantID: e.TenantID, TokenFilePath: e.TokenFile,
			DisableInstanceDiscovery: custom})
	case ManagedIdentity:
		mo := &azidentity.ManagedIdentityCredentialOptions{ClientOptions: opts}
		if e.ClientID != "" {
			mo.ID = azidentity.ClientID(e.ClientID)
		}
		cred, err = azidentity.NewManagedIdentityCredential(mo)
	case DefaultChain:
		cred, err = azidentity.NewDefaultAzureCredential(&azidentity.DefaultAzureCredentialOptions{
			ClientOptions: opts, TenantID: e.TenantID, DisableInstanceDiscovery: custom})
	default:
		return nil, fmt.Errorf("unknown credential %q (want %s, %s, %s or %s)",
			e.Credential, ClientSecret, WorkloadIdentity, ManagedIdentity, DefaultChain)
	}
	if err != nil {
		return nil, errors.New(scrub.Scrub(err.Error()))
	}
	return &tokenSource{cred: cred, scrub: scrub, now: time.Now}, nil
}
