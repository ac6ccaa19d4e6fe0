package providers_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/sira-ai/caddy-ai-backends/internal/providertest"
	"github.com/sira-ai/caddy-ai-backends/providers/sim"
)

// TestUnmarshalBlock: every shared option of a provider block lands in the
// JSON config the handler hands to Caddy (the fields a JSON user writes).
// The simulator stands for any provider type: the shared options are read
// by providers.Config for all of them.
func TestUnmarshalBlock(t *testing.T) {
	p := providertest.UnmarshalCaddyfile[sim.Provider](t, `provider a sim {
		base_url http://upstream/v1
		api_key {env.K1}
		api_key {env.K2} not_after 2030-01-01
		api_key_encrypted enc1
		api_key_encrypted enc2 not_after 2031-01-01
		organization org-1
		models m1 m2
		models m3
		model_map fast m1
		header X-Team blue
		timeout 30s
		max_retries 0
		weight 3
		region eu
		versions 1.1 2
		trace_context off
		model_override m1 {
			context_window 1000
			vision
			tools false
			input 0.5
			per_second 0.01
		}
		reasoning_budgets low 1024 high 8192
	}`)
	got, _ := json.Marshal(&p.Config)
	const want = `{"base_url":"http://upstream/v1","api_keys":[{"value":"{env.K1}"},{"value":"{env.K2}","not_after":"2030-01-01"},` +
		`{"encrypted":"enc1"},{"encrypted":"enc2","not_after":"2031-01-01"}],"organization":"org-1","models":["m1","m2","m3"],` +
		`"model_map":{"fast":"m1"},"timeout":30000000000,"max_retries":0,"headers":{"X-Team":"blue"},"weight":3,"region":"eu",` +
		`"model_overrides":{"m1":{"context_window":1000,"vision":true,"tools":false,"input":0.5,"per_second":0.01}},` +
		`"versions":["1.1","2"],"trace_context":false,"reasoning_budgets":{"high":8192,"low":1024}}`
	if string(got) != want {
		t.Errorf("parsed\n%s\nwant\n%s", got, want)
	}
}

// The shared options' refusals, worded as users see them.
func TestUnmarshalBlockRefuses(t *testing.T) {
	for want, options := range map[string][]string{
		"usage: api_key <value> [not_after <time>]":                {"api_key", "api_key k until 2030-01-01"},
		"usage: api_key_encrypted <ciphertext> [not_after <time>]": {"api_key_encrypted", "api_key_encrypted c not_after"},
		"usage: model_map <public> <upstream>":                     {"model_map fast", "model_map a b c"},
		`unrecognized model_override option "colour"`:              {"model_override m {\ncolour 1\n}"},
		"vision: strconv.ParseBool":                                {"model_override m {\nvision maybe\n}"},
		`input: want a non-negative number, got "cheap"`:           {"model_override m {\ninput cheap\n}"},
	} {
		for _, option := range options {
			var p sim.Provider
			err := p.UnmarshalCaddyfile(caddyfile.NewTestDispenser("provider a sim {\n" + option + "\n}"))
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%q: error %v, want it to contain %q", option, err, want)
			}
		}
	}
}
