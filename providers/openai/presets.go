package openai

import (
	"fmt"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/sira-ai/caddy-ai-backends/providers"

	"github.com/sira-ai/caddy-ai-backends/internal/caddyargs"
)

// preset is what the gateway knows about one OpenAI-compatible vendor, so
// that `provider groq { api_key {env.GROQ_API_KEY} }` is a whole config.
type preset struct {
	name      string   // module name and default provider name
	baseURL   string   // the vendor's API, or a local server's default address
	keyNeeded bool     // the vendor requires an API key
	drop      []string // top-level chat fields the vendor answers 400/422 to
	// attribution: the vendor ranks apps by the HTTP-Referer and X-Title
	// headers (app_url, app_name).
	attribution bool
}

// presets are the vendors with a provider type of their own. Dropped
// fields are those the vendors' documentation says are rejected:
//   - Groq: logprobs, logit_bias and top_logprobs "will result in a 400 error".
//   - Cerebras: frequency_penalty, logit_bias, presence_penalty,
//     parallel_tool_calls and service_tier "will result in a 400 error".
//   - Mistral validates strictly (422 extra_forbidden) and has no
//     stream_options (it reports usage in the last chunk anyway), metadata,
//     store, service_tier, logit_bias, logprobs, top_logprobs, user, or seed
//     (its own is random_seed).
//
// All send the key as "Authorization: Bearer". DeepSeek's reasoning_content
// and other vendor fields pass through in both directions untouched.
var presets = []preset{
	{name: "mistral", baseURL: "https://api.mistral.ai/v1", keyNeeded: true,
		drop: []string{"stream_options", "metadata", "store", "service_tier", "logit_bias", "logprobs", "top_logprobs", "user", "seed"}},
	{name: "groq", baseURL: "https://api.groq.com/openai/v1", keyNeeded: true,
		drop: []string{"logprobs", "logit_bias", "top_logprobs"}},
	{name: "deepseek", baseURL: "https://api.deepseek.com/v1", keyNeeded: true},
	{name: "xai", baseURL: "https://api.x.ai/v1", keyNeeded: true},
	{name: "openrouter", baseURL: "https://openrouter.ai/api/v1", keyNeeded: true, attribution: true},
	{name: "together", baseURL: "https://api.together.xyz/v1", keyNeeded: true},
	{name: "fireworks", baseURL: "https://api.fireworks.ai/inference/v1", keyNeeded: true},
	{name: "cerebras", baseURL: "https://api.cerebras.ai/v1", keyNeeded: true,
		drop: []string{"frequency_penalty", "logit_bias", "presence_penalty", "parallel_tool_calls", "service_tier"}},
	{name: "perplexity", baseURL: "https://api.perplexity.ai", keyNeeded: true},
	{name: "ollama", baseURL: "http://localhost:11434/v1"},
	{name: "vllm", baseURL: "http://localhost:8000/v1"},
	{name: "lmstudio", baseURL: "http://localhost:1234/v1"},
}

func init() {
	for i := range presets {
		caddy.RegisterModule(Preset{preset: &presets[i]})
	}
}

// Preset is the provider module of one vendor in presets: openai_compatible
// with the vendor's base URL, key requirement and quirks as defaults.
type Preset struct {
	Provider
	// AppURL and AppName are sent as HTTP-Referer and X-Title where the
	// vendor uses them for attribution (OpenRouter).
	AppURL  string `json:"app_url,omitempty"`
	AppName string `json:"app_name,omitempty"`

	preset *preset
}

// CaddyModule returns the Caddy module information.
func (m Preset) CaddyModule() caddy.ModuleInfo {
	p := m.preset
	return caddy.ModuleInfo{
		ID:  caddy.ModuleID(providers.Namespace + "." + p.name),
		New: func() caddy.Module { return &Preset{preset: p} },
	}
}

// Provision applies the vendor's defaults and builds the HTTP client.
func (m *Preset) Provision(caddy.Context) error {
	p := m.preset
	if (m.AppURL != "" || m.AppName != "") && !p.attribution {
		return fmt.Errorf("provider %s: app_url and app_name are for openrouter only", m.Name)
	}
	for header, v := range map[string]string{"HTTP-Referer": m.AppURL, "X-Title": m.AppName} {
		if v == "" {
			continue
		}
		if m.Headers == nil {
			m.Headers = map[string]string{}
		}
		if _, set := m.Headers[header]; !set {
			m.Headers[header] = v
		}
	}
	m.drop = p.drop
	return m.provision(providers.Defaults{Type: p.name, BaseURL: p.baseURL, KeyNeeded: p.keyNeeded})
}

// UnmarshalCaddyfile parses a preset's block: the options of
// openai_compatible, and for OpenRouter app_url and app_name.
func (m *Preset) UnmarshalCaddyfile(d *caddyfile.Dispenser) error {
	return m.Config.UnmarshalBlock(d, func(d *caddyfile.Dispenser) (bool, error) {
		switch d.Val() {
		case "app_url":
			return true, caddyargs.String(d, &m.AppURL)
		case "app_name":
			return true, caddyargs.String(d, &m.AppName)
		}
		return m.unmarshalOption(d)
	})
}

// dropFields removes the top-level keys the upstream rejects.
func dropFields(body []byte, fields []string) ([]byte, error) {
	var err error
	for _, f := range fields {
		if providers.GetTopLevel(body, f) == nil {
			continue
		}
		if body, err = providers.DeleteTopLevel(body, f); err != nil {
			return nil, err
		}
	}
	return body, nil
}

// Interface guards.
var (
	_ providers.Module               = (*Preset)(nil)
	_ providers.Embedder             = (*Preset)(nil)
	_ providers.ResponsesPassthrough = (*Preset)(nil)
)
