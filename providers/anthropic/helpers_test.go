package anthropic

import (
	"encoding/json"
	"testing"

	goldenfile "github.com/sira-ai/caddy-ai-backends/internal/golden"
	"github.com/sira-ai/caddy-ai-backends/internal/providertest"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// mustJSON marshals v for comparisons.
func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// unified is a unified request written as OpenAI JSON, as the chat
// completions dialect hands it on.
var unified = providertest.ChatRequest

// toAnthropic translates and decodes into a generic map for field checks.
func toAnthropicMap(t *testing.T, js string, o Options) map[string]any {
	t.Helper()
	b, err := ToAnthropic(unified(t, js), o)
	if err != nil {
		t.Fatalf("ToAnthropic: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// asKind returns the classified kind of err, failing when it is not one.
func asKind(t *testing.T, err error) providers.Kind {
	t.Helper()
	return providertest.AsError(t, err).Kind
}

func golden(t *testing.T, name string, got []byte)  { t.Helper(); goldenfile.JSON(t, name, got) }
func readTestdata(t testing.TB, name string) []byte { t.Helper(); return goldenfile.Read(t, name) }
func casesIn(t *testing.T, dir string) []string     { t.Helper(); return goldenfile.Cases(t, dir) }
