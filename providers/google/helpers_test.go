package google

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	goldenfile "github.com/sira-ai/caddy-ai-backends/internal/golden"
	"github.com/sira-ai/caddy-ai-backends/internal/providertest"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// chatRequest is an OpenAI request body as the chat completions dialect
// hands it on.
var chatRequest = providertest.ChatRequest

// assertJSONEq compares two JSON documents by value.
func assertJSONEq(t testing.TB, got, want []byte) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("got invalid JSON: %v\n%s", err, got)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("want invalid JSON: %v\n%s", err, want)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("JSON differs\n got: %s\nwant: %s", indent(got), indent(want))
	}
}

func indent(b []byte) string {
	var out bytes.Buffer
	if json.Indent(&out, b, "", "  ") != nil {
		return string(b)
	}
	return out.String()
}

func mustMarshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// kindOf returns the classified kind of err, failing when it is not one.
func kindOf(t testing.TB, err error) providers.Kind {
	t.Helper()
	return providertest.AsError(t, err).Kind
}

func golden(t *testing.T, name string, got []byte)  { t.Helper(); goldenfile.JSON(t, name, got) }
func readTestdata(t testing.TB, name string) []byte { t.Helper(); return goldenfile.Read(t, name) }
