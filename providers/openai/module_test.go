package openai

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2"

	"github.com/sira-ai/caddy-ai-backends/internal/providertest"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

func TestCaddyfile(t *testing.T) {
	m := providertest.UnmarshalCaddyfile[Compatible](t, `provider azure openai_compatible {
		base_url https://example.openai.azure.com/openai/deployments/gpt4o
		api_key {env.AZURE_KEY}
		auth_header api-key
		query api-version 2024-10-21
		query foo bar
		organization org-1
		models gpt-4o
		header X-Team blue
	}`)
	if m.AuthHeader != "api-key" || m.Query["api-version"] != "2024-10-21" || m.Query["foo"] != "bar" ||
		m.BaseURL != "https://example.openai.azure.com/openai/deployments/gpt4o" || m.Organization != "org-1" ||
		len(m.APIKeys) != 1 || m.Headers["X-Team"] != "blue" || len(m.Models) != 1 {
		t.Errorf("parsed %+v", m.Provider)
	}
}

func TestCaddyfileErrors(t *testing.T) {
	providertest.AssertCaddyfileRejects[OpenAI](t,
		"provider a openai {\n query api-version\n}",
		"provider a openai {\n query a b c\n}",
		"provider a openai {\n auth_header\n}",
		"provider a openai {\n auth_header \"bad header\"\n}",
		"provider a openai {\n auth_header x y\n}",
		"provider a openai {\n unknown_option 1\n}",
	)
}

// TestJSONConfig: the JSON API is the struct; Caddy decodes it strictly.
func TestJSONConfig(t *testing.T) {
	const cfg = `{"name":"az","base_url":"https://x/openai/v1/","api_keys":[{"value":"k"}],"auth_header":"api-key","query":{"api-version":"2024-10-21"}}`
	dec := json.NewDecoder(strings.NewReader(cfg))
	dec.DisallowUnknownFields()
	var m Compatible
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	if err := m.Provision(caddy.Context{}); err != nil {
		t.Fatal(err)
	}
	defer m.Cleanup()
	if m.Base().BaseURL != "https://x/openai/v1" || m.query != "?api-version=2024-10-21" || m.Base().Type() != "openai_compatible" || m.Base().Name != "az" {
		t.Errorf("provisioned %+v", m.Provider)
	}
	out, _ := json.Marshal(&m)
	if bytes.Contains(out, []byte(`"type"`)) || !bytes.Contains(out, []byte(`"auth_header":"api-key"`)) {
		t.Errorf("encoded %s", out)
	}
}

func TestProvisionDefaultsAndErrors(t *testing.T) {
	withKey := providers.Config{APIKeys: []providers.APIKey{{Value: "k"}}}

	o := &OpenAI{Provider{Config: withKey}}
	if err := o.Provision(caddy.Context{}); err != nil {
		t.Fatal(err)
	}
	defer o.Cleanup()
	if o.BaseURL != DefaultBaseURL || o.Name != "openai" || !o.official || o.Client() == nil {
		t.Errorf("openai defaults: %+v", o.Provider)
	}

	for name, mod := range map[string]caddy.Provisioner{
		"openai without key":                 &OpenAI{},
		"compatible without base_url":        &Compatible{Provider{Config: withKey}},
		"bad auth_header":                    &Compatible{Provider{Config: providers.Config{BaseURL: "http://x"}, AuthHeader: "a b"}},
		"openai with unresolvable key value": &OpenAI{Provider{Config: providers.Config{APIKeys: []providers.APIKey{{Value: "{env.OPENAI_TEST_SURELY_UNSET_VAR}"}}}}},
	} {
		if err := mod.Provision(caddy.Context{}); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}

	c := &Compatible{Provider{Config: providers.Config{BaseURL: "http://127.0.0.1:11434/v1"}}}
	if err := c.Provision(caddy.Context{}); err != nil {
		t.Fatalf("compatible without key: %v", err)
	}
	defer c.Cleanup()
	if c.official || len(c.Keys()) != 0 {
		t.Errorf("compatible: %+v", c.Provider)
	}
}
