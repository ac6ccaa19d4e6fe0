package anthropic

import (
	"testing"

	goldenfile "github.com/sira-ai/caddy-ai-backends/internal/golden"
	"github.com/sira-ai/caddy-ai-backends/internal/providertest"

	"github.com/sira-ai/caddy-ai-backends/providers"
	wire "github.com/sira-ai/caddy-ai-backends/providers/anthropic"
)

// mustJSON marshals v as the Messages API writes JSON.
func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := wire.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// translateAll reads an Anthropic event stream into unified chunks with the
// provider's translator, as an Anthropic upstream's answer arrives.
func translateAll(t testing.TB, stream []byte) ([]*providers.ChatChunk, *wire.StreamTranslator, error) {
	t.Helper()
	tr := wire.NewStreamTranslator(1700000000)
	out, err := providertest.TranslateEvents(stream, tr)
	return out, tr, err
}

// eventHead is what tests read of a Messages stream event.
type eventHead struct {
	Type         string `json:"type"`
	Index        int    `json:"index"`
	ContentBlock struct {
		Type string `json:"type"`
	} `json:"content_block"`
	Delta struct {
		Type string `json:"type"`
	} `json:"delta"`
}

func golden(t *testing.T, name string, got []byte)  { t.Helper(); goldenfile.JSON(t, name, got) }
func readTestdata(t testing.TB, name string) []byte { t.Helper(); return goldenfile.Read(t, name) }
func casesIn(t *testing.T, dir string) []string     { t.Helper(); return goldenfile.Cases(t, dir) }
