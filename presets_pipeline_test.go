package aibackends

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
)

// TestPresetAndAzureFromCaddyfile: a preset block needs only its key
// (here a base_url for the fake), an azure block its resource settings;
// both parse, provision and serve through the handler.
func TestPresetAndAzureFromCaddyfile(t *testing.T) {
	t.Setenv("GROQ_API_KEY", "gsk-test-0123456789")
	t.Setenv("AZURE_OPENAI_API_KEY", azureTestKey)
	groq, groqRec := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{APIKey: "gsk-test-0123456789", Reply: "from groq"})
	azureURL, azureRec := newAzureFake(t, fakeupstream.AzureConfig{Deployments: []string{"prod-4o"}})

	var h Handler
	err := h.UnmarshalCaddyfile(caddyfile.NewTestDispenser(fmt.Sprintf(`ai_backends {
		provider groq {
			api_key {env.GROQ_API_KEY}
			base_url %s/openai/v1
			models llama-3.3-70b-versatile
		}
		provider az azure {
			base_url %s
			api_key {env.AZURE_OPENAI_API_KEY}
			deployment gpt-4o prod-4o
			models gpt-4o
		}
	}`, groq.URL, azureURL)))
	if err != nil {
		t.Fatal(err)
	}
	config, err := json.Marshal(&h)
	if err != nil {
		t.Fatal(err)
	}
	hp := pipeHandler(t, string(config))

	w := pipeDo(t, hp, "POST", "/v1/chat/completions",
		`{"model":"llama-3.3-70b-versatile","messages":[{"role":"user","content":"hi"}],"logprobs":true}`)
	if w.Code != 200 || !strings.Contains(w.Body.String(), "from groq") {
		t.Fatalf("groq: %d %s", w.Code, w.Body)
	}
	if got := groqRec.Last(); got.Path != "/openai/v1/chat/completions" || strings.Contains(string(got.Body), "logprobs") {
		t.Errorf("groq got %s %s", got.Path, got.Body)
	}
	if d := hp.catalog.byID["groq/llama-3.3-70b-versatile"]; d == nil || d.spec().Prices.Input != 0.59 {
		t.Errorf("groq catalog entry: %+v", d)
	}

	w = pipeDo(t, hp, "POST", "/v1/chat/completions", pipeChat("gpt-4o", false))
	if w.Code != 200 || azureRec.Last().Path != "/openai/v1/chat/completions" || !strings.Contains(string(azureRec.Last().Body), `"model":"prod-4o"`) {
		t.Fatalf("azure v1: %d %s; upstream %s %s", w.Code, w.Body, azureRec.Last().Path, azureRec.Last().Body)
	}
}
