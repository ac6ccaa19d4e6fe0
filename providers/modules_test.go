package providers_test

import (
	"reflect"
	"testing"

	"github.com/caddyserver/caddy/v2"

	"github.com/sira-ai/caddy-ai-backends/providers"
	"github.com/sira-ai/caddy-ai-backends/providers/anthropic"
	"github.com/sira-ai/caddy-ai-backends/providers/azure"
	"github.com/sira-ai/caddy-ai-backends/providers/bedrock"
	"github.com/sira-ai/caddy-ai-backends/providers/google"
	"github.com/sira-ai/caddy-ai-backends/providers/openai"
	"github.com/sira-ai/caddy-ai-backends/providers/sim"
	"github.com/sira-ai/caddy-ai-backends/providers/vertex"
)

// TestModulesRegistered: each built-in provider type is registered under
// the module ID that configs name (`provider <name> <type>`, "type" in
// JSON), and New returns its own type, as a whole providers.Module. The
// vendor presets of package openai have their own test.
func TestModulesRegistered(t *testing.T) {
	for typ, want := range map[string]providers.Module{
		"anthropic":         new(anthropic.Provider),
		"azure":             new(azure.Azure),
		"bedrock":           new(bedrock.Bedrock),
		"google":            new(google.Provider),
		"openai":            new(openai.OpenAI),
		"openai_compatible": new(openai.Compatible),
		"sim":               new(sim.Provider),
		"vertex":            new(vertex.Vertex),
	} {
		id := providers.Namespace + "." + typ
		info, err := caddy.GetModule(id)
		if err != nil {
			t.Errorf("%s: %v", typ, err)
			continue
		}
		got := info.New()
		if _, ok := got.(providers.Module); !ok || reflect.TypeOf(got) != reflect.TypeOf(want) || caddy.GetModuleID(got) != id {
			t.Errorf("%s: New returned %T (want %T)", typ, got, want)
		}
	}
}
