package vertex

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"

	"github.com/caddyserver/caddy/v2"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
)

// Scope is the OAuth2 scope of Vertex AI access tokens.
const Scope = "https://www.googleapis.com/auth/cloud-platform"

// allowedTypes are the credential JSON types accepted. Google's libraries
// warn against loading a configuration of unchecked type: an
// external_account one may name a command or URL to fetch from, so only
// these, which the operator's own files hold, are let through.
var allowedTypes = []google.CredentialsType{
	google.ServiceAccount, google.AuthorizedUser, google.ExternalAccount, google.ImpersonatedServiceAccount,
}

// credentials says where tokens come from: a credentials JSON, or (json
// nil) Application Default Credentials: GOOGLE_APPLICATION_CREDENTIALS,
// gcloud's well-known file, then the metadata server.
type credentials struct {
	json      []byte
	typ       google.CredentialsType
	projectID string
}

// loadCredentials resolves the placeholders of credentials_file and
// credentials_json and reads the JSON once, at provision time.
func loadCredentials(file, inline string) (*credentials, error) {
	var err error
	if file, err = resolve("credentials_file", file); err != nil {
		return nil, err
	}
	if inline, err = resolve("credentials_json", inline); err != nil {
		return nil, err
	}
	var raw []byte
	switch {
	case file != "" && inline != "":
		return nil, errors.New("credentials_file and credentials_json exclude each other")
	case inline != "":
		raw = []byte(inline)
	case file != "" && bytes.HasPrefix(bytes.TrimSpace([]byte(file)), []byte("{")):
		raw = []byte(file) // credentials_file {file.…}: the placeholder read the file already
	case file != "":
		if raw, err = os.ReadFile(file); err != nil {
			return nil, fmt.Errorf("credentials_file: %v", err)
		}
	default:
		return &credentials{}, nil
	}
	var head struct {
		Type      string `json:"type"`
		ProjectID string `json:"project_id"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		// The error text may quote the (secret) content: leave it out.
		return nil, errors.New("the credentials are not valid JSON")
	}
	typ := google.CredentialsType(head.Type)
	ok := false
	for _, t := range allowedTypes {
		ok = ok || t == typ
	}
	if !ok {
		return nil, fmt.Errorf("credentials type %q is not one of service_account, authorized_user, external_account, impersonated_service_account", head.Type)
	}
	c := &credentials{json: raw, typ: typ, projectID: head.ProjectID}
	if _, err := c.source(context.Background(), http.DefaultClient); err != nil {
		return nil, fmt.Errorf("credentials: %v", err)
	}
	return c, nil
}

// resolve replaces the placeholders of a credentials option. JSON given
// literally is kept as is: its braces are not placeholders. The error
// never quotes the value, which may be the credentials themselves.
func resolve(option, value string) (string, error) {
	if json.Valid([]byte(value)) {
		return value, nil
	}
	out, err := caddy.NewReplacer().ReplaceOrErr(value, true, true)
	if err != nil {
		return "", fmt.Errorf("%s: its placeholder did not resolve (an unset variable, an unreadable file?)", option)
	}
	return out, nil
}

// source returns a token source whose first Token call fetches a new token
// (the tokenSource caches; this one is made afresh for every refresh, so
// the refresh schedule is the tokenSource's own). client makes the token
// requests; ctx bounds them.
func (c *credentials) source(ctx context.Context, client *http.Client) (oauth2.TokenSource, error) {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, client)
	params := google.CredentialsParams{Scopes: []string{Scope}}
	var creds *google.Credentials
	var err error
	if c.json == nil {
		creds, err = google.FindDefaultCredentialsWithParams(ctx, params)
	} else {
		creds, err = google.CredentialsFromJSONWithTypeAndParams(ctx, c.json, c.typ, params)
	}
	if err != nil {
		return nil, err
	}
	return creds.TokenSource, nil
}
