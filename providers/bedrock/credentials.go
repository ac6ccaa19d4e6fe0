package bedrock

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/caddyserver/caddy/v2"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// credentials hands out the AWS credentials that sign each request: static
// ones from the Caddyfile, or the standard chain's, cached (and refreshed
// before they expire) by aws.CredentialsCache. Every secret and session
// token it hands out is registered with the provider's scrubber first, so
// no upstream or SDK message can show one.
type credentials struct {
	cache  *aws.CredentialsCache
	scrub  *providers.Scrubber
	static *aws.Credentials // the configured keys, registered at Provision
	// seen is the last secret registered, so a cached credential costs one
	// atomic load per request, not a scrubber update.
	seen atomic.Pointer[string]
}

// newCredentials builds the credential source of b and returns the region
// the AWS configuration names (for a provider block without region).
func newCredentials(ctx context.Context, b *Bedrock) (*credentials, string, error) {
	repl := caddy.NewReplacer()
	resolve := func(field, v string) (string, error) {
		out, err := repl.ReplaceOrErr(v, true, true)
		if err != nil {
			return "", fmt.Errorf("%s: %v", field, err)
		}
		return out, nil
	}
	if b.AccessKeyID != "" || b.SecretAccessKey != "" || b.SessionToken != "" {
		if b.Profile != "" {
			return nil, "", errors.New("profile and access_key_id/secret_access_key exclude each other")
		}
		id, err := resolve("access_key_id", b.AccessKeyID)
		if err != nil {
			return nil, "", err
		}
		secret, err := resolve("secret_access_key", b.SecretAccessKey)
		if err != nil {
			return nil, "", err
		}
		token, err := resolve("session_token", b.SessionToken)
		if err != nil {
			return nil, "", err
		}
		if id == "" || secret == "" {
			return nil, "", errors.New("access_key_id and secret_access_key are both required (or neither, for the AWS credential chain)")
		}
		p := awscreds.NewStaticCredentialsProvider(id, secret, token)
		return &credentials{cache: aws.NewCredentialsCache(p), static: &p.Value}, "", nil
	}
	var opts []func(*config.LoadOptions) error
	if b.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(b.Profile))
	}
	if b.Region != "" {
		opts = append(opts, config.WithRegion(b.Region))
	}
	// Loading reads the environment and the shared files; credentials are
	// fetched (from STS, ECS or EC2 metadata) only when first needed.
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, "", fmt.Errorf("loading the AWS configuration: %v", err)
	}
	if cfg.Credentials == nil {
		return nil, "", errors.New("no AWS credentials: set access_key_id and secret_access_key, a profile, or the standard AWS environment")
	}
	cache, ok := cfg.Credentials.(*aws.CredentialsCache)
	if !ok {
		cache = aws.NewCredentialsCache(cfg.Credentials)
	}
	return &credentials{cache: cache}, cfg.Region, nil
}

// registerStatic registers configured keys with the scrubber at once.
func (c *credentials) registerStatic() {
	if c.static != nil {
		c.register(*c.static)
	}
}

// register makes the scrubber know v's secret and session token.
func (c *credentials) register(v aws.Credentials) {
	if p := c.seen.Load(); p != nil && *p == v.SecretAccessKey {
		return
	}
	c.scrub.Add(v.SecretAccessKey)
	c.scrub.Add(v.SessionToken)
	s := v.SecretAccessKey
	c.seen.Store(&s)
}

// get returns current credentials; a failure is KindAuth, its text
// scrubbed by the caller.
func (c *credentials) get(ctx context.Context) (aws.Credentials, error) {
	v, err := c.cache.Retrieve(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return v, providers.Classify(ctx.Err())
		}
		return v, &providers.Error{Kind: providers.KindAuth, Message: "could not get AWS credentials", Err: err}
	}
	c.register(v)
	return v, nil
}
