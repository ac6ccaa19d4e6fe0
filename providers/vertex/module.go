// Package vertex implements the provider module for Google Cloud's Vertex
// AI: Gemini models through the publisher google (generateContent,
// streamGenerateContent, countTokens, predict for embeddings) and Claude
// models through the publisher anthropic (rawPredict, streamRawPredict),
// with OAuth2 access tokens from Google's credential libraries. The wire
// formats are package google's and package anthropic's; this package
// builds the URLs, picks the publisher, and keeps the token.
package vertex

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/sira-ai/caddy-ai-backends/providers"
	"github.com/sira-ai/caddy-ai-backends/providers/anthropic"
	"github.com/sira-ai/caddy-ai-backends/providers/google"
)

func init() {
	caddy.RegisterModule(Vertex{})
}

// The publishers whose models Vertex AI serves through this provider.
const (
	PublisherGoogle    = "google"
	PublisherAnthropic = "anthropic"
)

// AnthropicVersion is the anthropic_version Claude models on Vertex AI take
// in the body.
const AnthropicVersion = "vertex-2023-10-16"

// DefaultLocation is the region used when none is configured.
const DefaultLocation = "us-central1"

// Vertex is the provider module for one Google Cloud project's Vertex AI.
type Vertex struct {
	providers.Config

	// Project is the Google Cloud project ID. Default: the project_id of
	// the service-account credentials.
	Project string `json:"project,omitempty"`
	// Location is a region (us-central1, europe-west4, …), "global", or
	// a multi-region ("us", "eu"). Default: us-central1.
	Location string `json:"location,omitempty"`
	// CredentialsFile is the path of a credentials JSON file (service
	// account, authorized user, workload identity federation). A value that
	// is itself JSON (a {file.*} placeholder) is taken as the credentials.
	CredentialsFile string `json:"credentials_file,omitempty"`
	// CredentialsJSON is the credentials JSON itself, normally an
	// {env.*} or {file.*} placeholder.
	CredentialsJSON string `json:"credentials_json,omitempty"`
	// Publishers maps a model (as sent upstream) to its publisher, google
	// or anthropic, where the name does not tell: by default claude-*
	// models are anthropic's and every other model google's.
	Publishers map[string]string `json:"publishers,omitempty"`
	// SafetySettings are sent with every Gemini chat request.
	SafetySettings []google.SafetySetting `json:"safety_settings,omitempty"`
	// DefaultMaxTokens is max_tokens for Claude requests that set no
	// output limit (Anthropic requires one). Default: per-model table.
	DefaultMaxTokens int `json:"default_max_tokens,omitempty"`

	tokens *tokenSource
	gemini *google.Provider
	claude *anthropic.Provider
	root   string // {base}/v1/projects/{project}/locations/{location}
}

// CaddyModule returns the Caddy module information.
func (Vertex) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  providers.Namespace + ".vertex",
		New: func() caddy.Module { return new(Vertex) },
	}
}

// hostFor is Vertex AI's service host of a location.
func hostFor(location string) string {
	switch location {
	case "global":
		return "https://aiplatform.googleapis.com"
	case "us", "eu":
		return "https://aiplatform." + location + ".rep.googleapis.com"
	}
	return "https://" + location + "-aiplatform.googleapis.com"
}

// Provision validates the configuration, loads the credentials and builds
// the two publishers' providers over one HTTP client.
func (v *Vertex) Provision(caddy.Context) error {
	name := v.Name
	if name == "" {
		name = "vertex"
	}
	if v.Location == "" {
		v.Location = DefaultLocation
	}
	if !validLocation(v.Location) {
		return fmt.Errorf("provider %s: location %q is not a Vertex AI location (e.g. us-central1, europe-west4, global)", name, v.Location)
	}
	if len(v.APIKeys) > 0 {
		return fmt.Errorf("provider %s: api_key is not a vertex option: Vertex AI takes OAuth2 tokens (credentials_file, credentials_json, or application default credentials)", name)
	}
	for model, pub := range v.Publishers {
		if pub != PublisherGoogle && pub != PublisherAnthropic {
			return fmt.Errorf("provider %s: publisher %q of model %q: want google or anthropic", name, pub, model)
		}
	}
	if v.DefaultMaxTokens < 0 {
		return fmt.Errorf("provider %s: default_max_tokens must be positive", name)
	}
	if v.BaseURL == "" {
		v.BaseURL = hostFor(v.Location)
	}
	if err := v.Config.Provision(providers.Defaults{Type: "vertex"}); err != nil {
		return err
	}
	// base_url replaces the host (a private endpoint, a proxy); the API
	// path pasted after it is tolerated.
	v.BaseURL = strings.TrimSuffix(v.BaseURL, "/v1")
	creds, err := loadCredentials(v.CredentialsFile, v.CredentialsJSON)
	if err != nil {
		return fmt.Errorf("provider %s: %v", v.Name, err)
	}
	if v.Project == "" {
		v.Project = creds.projectID
	}
	if v.Project == "" {
		return fmt.Errorf("provider %s: project is required (the credentials name none)", v.Name)
	}
	if e := providers.CheckPathModel(v.Project, false); e != nil || strings.ContainsAny(v.Project, "?#") {
		return fmt.Errorf("provider %s: project %q is not a Google Cloud project ID", v.Name, v.Project)
	}
	v.tokens = newTokenSource(creds, v.Client(), v.Scrubber())
	v.root = v.BaseURL + "/v1/projects/" + url.PathEscape(v.Project) + "/locations/" + v.Location

	v.gemini = &google.Provider{Config: v.Config, SafetySettings: v.SafetySettings}
	v.gemini.BaseURL = v.root + "/publishers/google"
	v.gemini.UseVertex()
	v.claude = &anthropic.Provider{Config: v.Config, DefaultMaxTokens: v.DefaultMaxTokens}
	v.claude.BaseURL = v.root + "/publishers/anthropic"
	v.claude.SetHost(&anthropic.Host{
		URL:      v.claudeURL,
		CountURL: v.claude.BaseURL + "/models/count-tokens:rawPredict",
		Version:  AnthropicVersion,
		Error:    v.googleShapedError,
	})
	return nil
}

// validLocation accepts location IDs: lower-case letters, digits and
// dashes, as in us-central1 or global.
func validLocation(l string) bool {
	if l == "" || len(l) > 64 {
		return false
	}
	for _, c := range []byte(l) {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

// claudeURL is the rawPredict endpoint of a Claude model; the model has
// passed CheckPathModel.
func (v *Vertex) claudeURL(model string, stream bool) string {
	method := ":rawPredict"
	if stream {
		method = ":streamRawPredict"
	}
	return v.claude.BaseURL + "/models/" + url.PathEscape(model) + method
}

// UnmarshalCaddyfile parses the provider block; see caddyfile.go.
func (v *Vertex) UnmarshalCaddyfile(d *caddyfile.Dispenser) error {
	return v.Config.UnmarshalBlock(d, v.unmarshalOption)
}

// Interface guards.
var (
	_ providers.Module          = (*Vertex)(nil)
	_ providers.Embedder        = (*Vertex)(nil)
	_ providers.TokenCounter    = (*Vertex)(nil)
	_ providers.HealthChecker   = (*Vertex)(nil)
	_ providers.OriginalRelayer = (*Vertex)(nil)
)
