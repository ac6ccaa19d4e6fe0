package google

import (
	"encoding/json"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// TestRequestBodyRelay: a Gemini client's body goes on unchanged unless the
// output limit was lowered or the provider adds its safety settings.
func TestRequestBodyRelay(t *testing.T) {
	p := &Provider{}
	body := []byte(`{"contents":[{"parts":[{"text":"x"}]}],"tools":[{"googleSearch":{}}],"generationConfig":{"maxOutputTokens":50}}`)
	req := &providers.ChatRequest{Original: providers.Original{Format: providers.FormatGemini, Body: body}}
	if !p.RelaysOriginal(providers.FormatGemini) || p.RelaysOriginal(providers.FormatOpenAIChat) {
		t.Fatal("RelaysOriginal")
	}
	fifty := 50
	req.MaxTokens = &fifty
	got, err := p.requestBody(req, "gemini-2.5-flash")
	if err != nil || string(got.(json.RawMessage)) != string(body) {
		t.Fatalf("unchanged: %s %v", got, err)
	}
	five := 5
	req.MaxTokens = &five
	p.SafetySettings = []SafetySetting{{Category: "HARM_CATEGORY_HARASSMENT", Threshold: "BLOCK_NONE"}}
	got, err = p.requestBody(req, "gemini-2.5-flash")
	want := `{"contents":[{"parts":[{"text":"x"}]}],"tools":[{"googleSearch":{}}],"generationConfig":{"maxOutputTokens":5},` +
		`"safetySettings":[{"category":"HARM_CATEGORY_HARASSMENT","threshold":"BLOCK_NONE"}]}`
	if err != nil || string(got.(json.RawMessage)) != want {
		t.Errorf("patched: %s %v", got, err)
	}
	req.Original.Body = []byte(`{"contents":[{"parts":[{"text":"x"}]}],"generationConfig":null}`)
	got, _ = p.requestBody(req, "gemini-2.5-flash")
	if s := string(got.(json.RawMessage)); s != `{"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{"maxOutputTokens":5},"safetySettings":[{"category":"HARM_CATEGORY_HARASSMENT","threshold":"BLOCK_NONE"}]}` {
		t.Errorf("null config: %s", s)
	}
}
