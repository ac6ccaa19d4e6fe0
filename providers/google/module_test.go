package google

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2"

	"github.com/sira-ai/caddy-ai-backends/internal/providertest"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

func TestUnmarshalCaddyfile(t *testing.T) {
	p := providertest.UnmarshalCaddyfile[Provider](t, `provider gemini google {
		api_key {env.GEMINI_API_KEY}
		models gemini-2.5-flash gemini-embedding-001
		safety HARM_CATEGORY_HARASSMENT BLOCK_ONLY_HIGH
		safety HARM_CATEGORY_DANGEROUS_CONTENT BLOCK_NONE
		timeout 30s
	}`)
	want := []SafetySetting{{"HARM_CATEGORY_HARASSMENT", "BLOCK_ONLY_HIGH"}, {"HARM_CATEGORY_DANGEROUS_CONTENT", "BLOCK_NONE"}}
	if len(p.SafetySettings) != 2 || p.SafetySettings[0] != want[0] || p.SafetySettings[1] != want[1] {
		t.Errorf("safety = %+v", p.SafetySettings)
	}
	if len(p.APIKeys) != 1 || len(p.Models) != 2 {
		t.Errorf("common options not parsed: %+v", p.Config)
	}
	// The JSON config is the same structure.
	b, _ := json.Marshal(p)
	if !strings.Contains(string(b), `"safety_settings":[{"category":"HARM_CATEGORY_HARASSMENT","threshold":"BLOCK_ONLY_HIGH"}`) {
		t.Errorf("JSON = %s", b)
	}
}

func TestUnmarshalCaddyfileErrors(t *testing.T) {
	providertest.AssertCaddyfileRejects[Provider](t,
		"provider g google {\n safety HARM_CATEGORY_HARASSMENT\n}",
		"provider g google {\n safety a b c\n}",
		"provider g google {\n bogus 1\n}",
	)
}

func TestProvision(t *testing.T) {
	t.Setenv("TEST_GEMINI_KEY", "AIza-test")
	p := &Provider{Config: providers.Config{APIKeys: []providers.APIKey{{Value: "{env.TEST_GEMINI_KEY}"}}}}
	if err := p.Provision(caddy.Context{}); err != nil {
		t.Fatal(err)
	}
	if p.BaseURL != DefaultBaseURL || p.Name != "google" || p.Type() != "google" || p.Keys()[0].Secret != "AIza-test" || p.Client() == nil {
		t.Errorf("provisioned = %+v", p.Config)
	}
	if p.Base() != &p.Config {
		t.Error("Base does not return the shared config")
	}

	if err := (&Provider{}).Provision(caddy.Context{}); err == nil {
		t.Error("the public API without a key was accepted")
	}
	if err := (&Provider{Config: providers.Config{BaseURL: "https://generativelanguage.googleapis.com/v1"}}).Provision(caddy.Context{}); err == nil {
		t.Error("Google's host without a key was accepted")
	}
	proxy := &Provider{Config: providers.Config{BaseURL: "http://127.0.0.1:9/v1beta/"}}
	if err := proxy.Provision(caddy.Context{}); err != nil {
		t.Errorf("a keyless proxy was refused: %v", err)
	}
	bad := &Provider{Config: providers.Config{BaseURL: "http://x"}, SafetySettings: []SafetySetting{{Category: "HARM_CATEGORY_HARASSMENT"}}}
	if err := bad.Provision(caddy.Context{}); err == nil {
		t.Error("a safety setting without threshold was accepted")
	}
}
