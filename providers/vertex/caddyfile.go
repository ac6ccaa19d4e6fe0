package vertex

import (
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/sira-ai/caddy-ai-backends/providers/google"

	"github.com/sira-ai/caddy-ai-backends/internal/caddyargs"
)

// unmarshalOption parses the vertex options besides the shared ones (see
// providers.Config.UnmarshalBlock):
//
//	provider <name> vertex {
//	    project          <project-id>             # default: the credentials' project_id
//	    location         <region>|global|us|eu    # default us-central1
//	    credentials_file <path>                   # or credentials_json {file.…}/{env.…}
//	    credentials_json <json>                   # neither: application default credentials
//	    publisher        <model> google|anthropic # repeatable; default by name (claude-* → anthropic)
//	    safety           <category> <threshold>   # Gemini safetySettings; repeatable
//	    default_max_tokens <n>                    # Claude requests without a limit
//	}
func (v *Vertex) unmarshalOption(d *caddyfile.Dispenser) (bool, error) {
	if known, err := caddyargs.StringField(d, map[string]*string{
		"project":          &v.Project,
		"location":         &v.Location,
		"credentials_file": &v.CredentialsFile,
		"credentials_json": &v.CredentialsJSON,
	}); known {
		return true, err
	}
	switch d.Val() {
	case "publisher":
		var model, pub string
		if !d.AllArgs(&model, &pub) {
			return true, d.Errf("usage: publisher <model> google|anthropic")
		}
		if pub != PublisherGoogle && pub != PublisherAnthropic {
			return true, d.Errf("publisher %q: want google or anthropic", pub)
		}
		if v.Publishers == nil {
			v.Publishers = map[string]string{}
		}
		v.Publishers[model] = pub
	case "safety":
		return true, google.AppendSafety(d, &v.SafetySettings)
	case "default_max_tokens":
		var err error
		v.DefaultMaxTokens, err = caddyargs.PositiveInt(d)
		return true, err
	default:
		return false, nil
	}
	return true, nil
}
