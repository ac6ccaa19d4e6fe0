package bedrock

import (
	"strconv"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
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
		var s string
		if !d.AllArgs(&s) {
			return true, d.ArgErr()
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return true, d.Errf("default_max_tokens: want a positive integer, got %q", s)
		}
		b.DefaultMaxTokens = n
		return true, nil
	default:
		return false, nil
	}
	if !d.AllArgs(dst) {
		return true, d.ArgErr()
	}
	return true, nil
}
