package bedrock

import (
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/sira-ai/caddy-ai-backends/internal/caddyargs"
)

// unmarshalOption parses the bedrock options besides the shared ones (see
// providers.Config.UnmarshalBlock; its region is the AWS region):
//
//	provider <name> bedrock {
//	    region            <aws-region>        # or AWS_REGION / the profile's region
//	    access_key_id     {env.AWS_ACCESS_KEY_ID}
//	    secret_access_key {env.AWS_SECRET_ACCESS_KEY}
//	    session_token     {env.AWS_SESSION_TOKEN}   # optional
//	    profile           <name>              # instead of static keys
//	    default_max_tokens <n>
//	}
func (b *Bedrock) unmarshalOption(d *caddyfile.Dispenser) (bool, error) {
	if d.Val() == "default_max_tokens" {
		var err error
		b.DefaultMaxTokens, err = caddyargs.PositiveInt(d)
		return true, err
	}
	return caddyargs.StringField(d, map[string]*string{
		"access_key_id":     &b.AccessKeyID,
		"secret_access_key": &b.SecretAccessKey,
		"session_token":     &b.SessionToken,
		"profile":           &b.Profile,
	})
}
