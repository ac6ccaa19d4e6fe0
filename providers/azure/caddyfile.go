package azure

import (
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/sira-ai/caddy-ai-backends/internal/caddyargs"
)

// unmarshalOption parses the azure options besides the shared ones (see
// providers.Config.UnmarshalBlock) and openai_compatible's responses_api:
//
//	provider <name> azure {
//	    resource    <name>                 # or base_url https://<name>.openai.azure.com
//	    api_version v1|<YYYY-MM-DD[-preview]>
//	    deployment  <model> <deployment>   # repeatable; default: the model's own name
//	    responses_api                      # the deployments serve the Responses API
//	    entra client_secret|workload_identity|managed_identity|default {
//	        tenant_id <id>
//	        client_id <id>
//	        client_secret <secret>
//	        token_file <path>
//	        authority_host <https URL>
//	    }
//	}
func (a *Azure) unmarshalOption(d *caddyfile.Dispenser) (bool, error) {
	switch d.Val() {
	case "resource":
		return true, caddyargs.String(d, &a.Resource)
	case "api_version":
		if err := caddyargs.String(d, &a.APIVersion); err != nil {
			return true, err
		}
		if err := checkAPIVersion(a.APIVersion); err != nil {
			return true, d.Err(err.Error())
		}
	case "deployment":
		return true, caddyargs.MapEntry(d, &a.Deployments, "<model> <deployment>")
	case "responses_api":
		a.ResponsesAPI = true
		return true, caddyargs.None(d)
	case "entra":
		return true, a.unmarshalEntra(d)
	default:
		return false, nil
	}
	return true, nil
}

func (a *Azure) unmarshalEntra(d *caddyfile.Dispenser) error {
	e := &Entra{}
	if err := caddyargs.String(d, &e.Credential); err != nil {
		return err
	}
	switch e.Credential {
	case ClientSecret, WorkloadIdentity, ManagedIdentity, DefaultChain:
	default:
		return d.Errf("entra: unknown credential %q (want client_secret, workload_identity, managed_identity or default)", e.Credential)
	}
	fields := map[string]*string{
		"tenant_id":      &e.TenantID,
		"client_id":      &e.ClientID,
		"client_secret":  &e.ClientSecret,
		"token_file":     &e.TokenFile,
		"authority_host": &e.AuthorityHost,
	}
	err := caddyargs.EachOption(d, func(name string) error {
		known, err := caddyargs.StringField(d, fields)
		if !known {
			return d.Errf("entra: unknown option %q", name)
		}
		return err
	})
	if err != nil {
		return err
	}
	a.Entra = e
	return nil
}
