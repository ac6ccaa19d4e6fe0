// Package azure implements the provider module for Azure OpenAI: OpenAI's
// wire format (reused from package openai) at Azure's URLs, with Azure's
// deployments, api-version, api-key header or Microsoft Entra ID tokens.
package azure

import (
	"context"
	"fmt"
	"strings"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/sira-ai/caddy-ai-backends/providers"
	"github.com/sira-ai/caddy-ai-backends/providers/openai"
)

func init() {
	caddy.RegisterModule(Azure{})
}

// V1 is the api_version that selects Azure's v1 API (/openai/v1/..., the
// deployment named in the body, no api-version parameter).
const V1 = "v1"

// Azure is the provider module for an Azure OpenAI (or Azure AI Foundry)
// resource.
type Azure struct {
	openai.Provider

	// Resource is the resource name: base_url defaults to
	// https://{resource}.openai.azure.com.
	Resource string `json:"resource,omitempty"`
	// APIVersion is "v1" (the default) or a dated version such as
	// "2024-10-21", which selects the deployment paths
	// /openai/deployments/{deployment}/...?api-version=....
	APIVersion string `json:"api_version,omitempty"`
	// Deployments maps a model, as the gateway sends it upstream (the
	// public name, or its model_map target), to the deployment serving it
	// on this resource. A model not listed is its own deployment name. The
	// catalog prices the model, never the deployment name.
	Deployments map[string]string `json:"deployments,omitempty"`
	// Entra authenticates with Microsoft Entra ID tokens instead of api
	// keys.
	Entra *Entra `json:"entra,omitempty"`

	tokens *tokenSource // nil: api-key auth
	prefix string       // base URL up to the operation: ".../openai/v1" or ".../openai/deployments/"
	suffix string       // "" or "?api-version=..."
}

// CaddyModule returns the Caddy module information.
func (Azure) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  providers.Namespace + ".azure",
		New: func() caddy.Module { return new(Azure) },
	}
}

// Provision validates the configuration, builds the URLs and the Entra
// credential.
func (a *Azure) Provision(caddy.Context) error {
	if a.BaseURL == "" && a.Resource != "" {
		if err := providers.CheckPathModel(a.Resource, false); err != nil || strings.ContainsAny(a.Resource, ".:@") {
			return fmt.Errorf("provider %s: resource %q is not a valid Azure resource name", a.Name, a.Resource)
		}
		a.BaseURL = "https://" + a.Resource + ".openai.azure.com"
	}
	if a.BaseURL == "" {
		return fmt.Errorf("provider %s: resource or base_url is required", nameOr(a.Name))
	}
	// The resource endpoint is what the portal shows; tolerate the API
	// path pasted after it.
	base := strings.TrimRight(a.BaseURL, "/")
	for _, tail := range []string{"/openai/v1", "/openai"} {
		base = strings.TrimSuffix(base, tail)
	}
	a.BaseURL = base
	if len(a.Query) > 0 {
		return fmt.Errorf("provider %s: query is not an azure option; set api_version", nameOr(a.Name))
	}
	if a.AuthHeader != "" {
		return fmt.Errorf("provider %s: auth_header is not an azure option: keys go in api-key, Entra tokens in Authorization", nameOr(a.Name))
	}
	if a.APIVersion == "" {
		a.APIVersion = V1
	}
	if err := checkAPIVersion(a.APIVersion); err != nil {
		return fmt.Errorf("provider %s: %v", nameOr(a.Name), err)
	}
	for model, dep := range a.Deployments {
		if e := providers.CheckPathModel(dep, false); e != nil {
			return fmt.Errorf("provider %s: deployment %q of model %q: %s", nameOr(a.Name), dep, model, e.Message)
		}
	}
	if a.Entra == nil {
		a.AuthHeader = "api-key"
	}
	if err := a.ProvisionAs(providers.Defaults{Type: "azure", KeyNeeded: a.Entra == nil}); err != nil {
		return err
	}
	if a.Entra != nil {
		if len(a.Keys()) > 0 || len(a.APIKeys) > 0 {
			return fmt.Errorf("provider %s: api_key and entra exclude each other", a.Name)
		}
		ts, err := a.Entra.tokenSource(a.Scrubber())
		if err != nil {
			return fmt.Errorf("provider %s: entra: %v", a.Name, err)
		}
		a.tokens = ts
	}
	if a.APIVersion == V1 {
		a.prefix, a.suffix = a.BaseURL+"/openai/v1", ""
	} else {
		a.prefix, a.suffix = a.BaseURL+"/openai/deployments/", "?api-version="+a.APIVersion
	}
	a.SetURLBuilder(a.url)
	modelOf := make(map[string]string, len(a.Deployments))
	for model, dep := range a.Deployments {
		modelOf[dep] = model
	}
	a.SetModelOf(func(dep string) string { return modelOf[dep] })
	return nil
}

func nameOr(name string) string {
	if name == "" {
		return "azure"
	}
	return name
}

// checkAPIVersion accepts "v1" and Azure's dated versions: YYYY-MM-DD with
// an optional "-preview".
func checkAPIVersion(v string) error {
	if v == V1 {
		return nil
	}
	date := strings.TrimSuffix(v, "-preview")
	ok := len(date) == 10 && date[4] == '-' && date[7] == '-'
	for i, c := range []byte(date) {
		if i != 4 && i != 7 && (c < '0' || c > '9') {
			ok = false
		}
	}
	if !ok {
		return fmt.Errorf("api_version %q is neither v1 nor a dated version such as 2024-10-21", v)
	}
	return nil
}

// url builds the upstream URL of an operation; t.Model is already the
// deployment name (target).
func (a *Azure) url(t providers.Target, path string) string {
	switch {
	case a.suffix == "":
		return a.prefix + path
	case path == "/responses":
		// The dated Responses API is per resource, the deployment in the body.
		return a.BaseURL + "/openai/responses" + a.suffix
	}
	return a.prefix + t.Model + path + a.suffix
}

// target maps the model to its deployment and, with Entra, puts the current
// token where the api key would be (sent as Authorization: Bearer).
func (a *Azure) target(ctx context.Context, t providers.Target) (providers.Target, error) {
	if dep, ok := a.Deployments[t.Model]; ok {
		t.Model = dep
	} else if e := providers.CheckPathModel(t.Model, false); e != nil {
		e.Provider = a.Name
		return t, e
	}
	if a.tokens != nil {
		tok, err := a.tokens.token(ctx)
		if err != nil {
			return t, a.Scrub(err)
		}
		t.APIKey = tok
	}
	return t, nil
}

// UnmarshalCaddyfile parses the provider block; see caddyfile.go.
func (a *Azure) UnmarshalCaddyfile(d *caddyfile.Dispenser) error {
	return a.Config.UnmarshalBlock(d, a.unmarshalOption)
}

// Interface guards.
var (
	_ providers.Module               = (*Azure)(nil)
	_ providers.Embedder             = (*Azure)(nil)
	_ providers.ImageGenerator       = (*Azure)(nil)
	_ providers.ResponsesPassthrough = (*Azure)(nil)
)
