// Package bedrock implements the provider module for Amazon Bedrock: chat
// through the Converse and ConverseStream APIs, Anthropic Messages bodies
// relayed through InvokeModel to Claude models, and Titan and Cohere
// embeddings, every request signed with SigV4.
package bedrock

import (
	"context"
	"fmt"
	"strings"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

func init() {
	caddy.RegisterModule(Bedrock{})
}

// Bedrock is the provider module for the Bedrock runtime of one AWS
// account and region.
type Bedrock struct {
	providers.Config

	// AccessKeyID, SecretAccessKey and SessionToken are static
	// credentials, normally {env.*} or {file.*} placeholders. Without
	// them the standard AWS chain applies (environment, shared config
	// and Profile, web identity, ECS and EC2 metadata).
	AccessKeyID     string `json:"access_key_id,omitempty"`
	SecretAccessKey string `json:"secret_access_key,omitempty"`
	SessionToken    string `json:"session_token,omitempty"`
	// Profile selects a profile of the shared AWS config files.
	Profile string `json:"profile,omitempty"`
	// DefaultMaxTokens is maxTokens for a Claude request with thinking
	// that sets no output limit. Default: the model's output limit.
	DefaultMaxTokens int `json:"default_max_tokens,omitempty"`

	creds  *credentials
	signer *v4.Signer
	now    func() time.Time // the signing clock; tests move it
}

// CaddyModule returns the Caddy module information.
func (Bedrock) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  providers.Namespace + ".bedrock",
		New: func() caddy.Module { return new(Bedrock) },
	}
}

// Provision resolves the region and the credentials and builds the
// endpoint: https://bedrock-runtime.{region}.amazonaws.com unless base_url
// says otherwise (a VPC endpoint, a test server).
func (b *Bedrock) Provision(ctx caddy.Context) error {
	name := b.Name
	if name == "" {
		name = "bedrock"
	}
	if len(b.APIKeys) > 0 {
		return fmt.Errorf("provider %s: api_key is not a bedrock option: use access_key_id and secret_access_key, or profile", name)
	}
	loadCtx := context.Context(ctx)
	if ctx.Context == nil { // a bare caddy.Context, in tests
		loadCtx = context.Background()
	}
	creds, region, err := newCredentials(loadCtx, b)
	if err != nil {
		return fmt.Errorf("provider %s: %v", name, err)
	}
	if b.Region == "" {
		b.Region = region
	}
	if b.Region == "" {
		return fmt.Errorf("provider %s: region is required (or AWS_REGION, or a profile's region)", name)
	}
	if !validRegion(b.Region) {
		return fmt.Errorf("provider %s: region %q is not an AWS region name", name, b.Region)
	}
	base := "https://bedrock-runtime." + b.Region + ".amazonaws.com"
	if err := b.Config.Provision(providers.Defaults{Type: "bedrock", BaseURL: base}); err != nil {
		return err
	}
	if b.DefaultMaxTokens < 0 {
		return fmt.Errorf("provider %s: default_max_tokens must be positive", b.Name)
	}
	creds.scrub = b.Scrubber()
	creds.registerStatic()
	b.creds = creds
	b.signer = newSigner()
	if b.now == nil {
		b.now = time.Now
	}
	return nil
}

// validRegion accepts AWS region names: lower-case letters, digits and
// dashes (us-east-1, eu-central-2, us-gov-west-1), which go into the
// default host name.
func validRegion(r string) bool {
	if r == "" || len(r) > 32 || strings.HasPrefix(r, "-") || strings.HasSuffix(r, "-") {
		return false
	}
	for _, c := range r {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

// UnmarshalCaddyfile parses the provider block; see caddyfile.go.
func (b *Bedrock) UnmarshalCaddyfile(d *caddyfile.Dispenser) error {
	return b.Config.UnmarshalBlock(d, b.unmarshalOption)
}

// Interface guards.
var (
	_ providers.Module          = (*Bedrock)(nil)
	_ providers.Embedder        = (*Bedrock)(nil)
	_ providers.HealthChecker   = (*Bedrock)(nil)
	_ providers.OriginalRelayer = (*Bedrock)(nil)
)
