package bedrock

import (
	"context"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2"

	"github.com/sira-ai/caddy-ai-backends/internal/providertest"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

func TestCaddyfile(t *testing.T) {
	t.Setenv("TEST_BEDROCK_SECRET", testSecret)
	b := providertest.UnmarshalCaddyfile[Bedrock](t, `provider aws bedrock {
		region eu-central-1
		access_key_id AKIDEXAMPLE0000
		secret_access_key {env.TEST_BEDROCK_SECRET}
		session_token tok
		default_max_tokens 2048
		models anthropic.claude-sonnet-4-5-20250929-v1:0
	}`)
	if b.Region != "eu-central-1" || b.AccessKeyID != "AKIDEXAMPLE0000" || b.SecretAccessKey != "{env.TEST_BEDROCK_SECRET}" ||
		b.SessionToken != "tok" || b.DefaultMaxTokens != 2048 || len(b.Models) != 1 {
		t.Errorf("parsed %+v", b)
	}
	if err := b.Provision(caddy.Context{}); err != nil {
		t.Fatal(err)
	}
	defer b.Cleanup()
	if b.BaseURL != "https://bedrock-runtime.eu-central-1.amazonaws.com" {
		t.Errorf("base_url = %s", b.BaseURL)
	}
	v, err := b.creds.get(context.Background())
	if err != nil || v.SecretAccessKey != testSecret {
		t.Errorf("placeholder not resolved: %v", err)
	}
	providertest.AssertCaddyfileRejects[Bedrock](t,
		"provider a bedrock {\n profile\n}",
		"provider a bedrock {\n default_max_tokens 0\n}",
		"provider a bedrock {\n unknown_option 1\n}",
	)
}

func TestProvisionErrors(t *testing.T) {
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/none")
	for name, edit := range map[string]func(*Bedrock){
		"no region":      func(b *Bedrock) { b.Region = "" },
		"bad region":     func(b *Bedrock) { b.Region = "us-east-1/../x" },
		"api key":        func(b *Bedrock) { b.APIKeys = []providers.APIKey{{Value: "k"}} },
		"profile & keys": func(b *Bedrock) { b.Profile = "p" },
		"secret only":    func(b *Bedrock) { b.AccessKeyID = "" },
		"bad env":        func(b *Bedrock) { b.SecretAccessKey = "{env.TEST_BEDROCK_UNSET_VAR}" },
	} {
		if err := providertest.Provision(t, bedrockConfig(nil, edit)); err == nil {
			t.Errorf("%s: provisioned", name)
		}
	}
}

// TestDefaultChain: without static keys the AWS chain supplies them (here
// from the environment), with the region from AWS_REGION.
func TestDefaultChain(t *testing.T) {
	srv, _ := fakeBedrock(t, nil)
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_ACCESS_KEY_ID", testKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", testSecret)
	t.Setenv("AWS_SESSION_TOKEN", testToken)
	t.Setenv("AWS_REGION", testRegion)
	b := newBedrock(t, srv, func(b *Bedrock) { b.AccessKeyID, b.SecretAccessKey, b.SessionToken, b.Region = "", "", "", "" })
	if b.Region != testRegion {
		t.Errorf("region = %q", b.Region)
	}
	if _, err := b.Chat(context.Background(), target(testNova), chatRequest(t, `{"model":"x","messages":[{"role":"user","content":"Hi"}]}`)); err != nil {
		t.Fatal(err)
	}
	// The chain's secret and token are scrubbed once used.
	if got := b.Scrubber().Scrub("echo " + testSecret + " and " + testToken); strings.Contains(got, testSecret) || strings.Contains(got, testToken) {
		t.Errorf("not scrubbed: %s", got)
	}
}

// TestCredentialsScrubbed: an upstream message quoting the secret or the
// session token never shows them.
func TestCredentialsScrubbed(t *testing.T) {
	b := newBedrock(t, nil, nil)
	e := b.Scrub(upstreamError(400, nil, []byte(`{"message":"bad token `+testToken+` for secret `+testSecret+`"}`)))
	if strings.Contains(e.Error(), testToken) || strings.Contains(e.Error(), testSecret) || !strings.Contains(e.Error(), "kfp_") {
		t.Errorf("error = %s", e.Error())
	}
}
