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
	var dst *string
	switch d.Val() {
	case "access_key_id":
		dst = &b.AccessKeyID
	case "secret_access_key":
		dst = &b.SecretAccessKey
	case "session_token":
		dst = &b.SessionToken
	case "profile":
		dst = &b.Profile
	case "default_max_tokens":
		var err error
		b.DefaultMaxTokens, err = caddyargs.PositiveInt(d)
		return true, err
	default:
		return false, nil
	}
	return true, caddyargs.String(d, dst)
}
