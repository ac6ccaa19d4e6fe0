package openai

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

func TestTranslatedEffort(t *testing.T) {
	for _, tc := range []struct{ model, effort, want string }{
		{"o4-mini", "xhigh", "high"},
		{"o3", "none", "low"},
		{"o1", "minimal", "low"},
		{"o3-mini", "medium", "medium"},
		{"gpt-5", "none", "minimal"},
		{"gpt-5-mini", "xhigh", "high"},
		{"gpt-5.1", "minimal", "low"}, // a tie goes to more reasoning
		{"gpt-5.1", "xhigh", "high"},
		{"gpt-5.1", "none", "none"},
		{"gpt-5.2", "xhigh", "xhigh"},
		{"gpt-5-pro", "low", "high"},
		{"gpt-4o", "xhigh", "xhigh"},          // not a reasoning model: as is
		{"deepseek-reasoner", "none", "none"}, // not OpenAI's: as is
		{"o3", "bogus", "bogus"},
	} {
		if got := translatedEffort(tc.model, tc.effort); got != tc.want {
			t.Errorf("%s %s: %s, want %s", tc.model, tc.effort, got, tc.want)
		}
	}
}

// TestTranslatedEffortSent: an effort translated from another API is sent
// as a level the model takes (the fake refuses others, as OpenAI does); an
// OpenAI client's own effort goes as it chose it.
func TestTranslatedEffortSent(t *testing.T) {
	srv, rec := fake(t, fakeupstream.OpenAIConfig{})
	p := newOpenAI(t, srv)
	for _, tc := range []struct {
		format       providers.Format
		effort, want string
		ok           bool
	}{
		{providers.FormatAnthropicMessages, "xhigh", "high", true},
		{providers.FormatGemini, "none", "low", true},
		{providers.FormatOpenAIResponses, "xhigh", "xhigh", false},
		{providers.FormatOpenAIChat, "minimal", "minimal", false}, // a redacted body, no longer relayed
	} {
		req := &providers.ChatRequest{Messages: []providers.Message{{Role: "user", Content: providers.TextContent("x")}},
			ReasoningEffort: tc.effort, Original: providers.Original{Format: tc.format}}
		_, err := p.Chat(context.Background(), providers.Target{Model: "o4-mini", APIKey: testKey}, req)
		var sent struct {
			Effort string `json:"reasoning_effort"`
		}
		if jerr := json.Unmarshal(rec.Last().Body, &sent); jerr != nil || sent.Effort != tc.want || (err == nil) != tc.ok {
			t.Errorf("format %d, %s: sent %s, error %v", tc.format, tc.effort, rec.Last().Body, err)
		}
	}
}

// TestSamplingLeftOutWhileReasoning: a request translated from Anthropic
// or Gemini reaches an OpenAI reasoning model without temperature and
// top_p while the model reasons (the fake answers OpenAI's 400 to a
// temperature then), and with them when the effort in force is none; an
// OpenAI client's own request keeps them (OpenAI answers it as it would
// directly).
func TestSamplingLeftOutWhileReasoning(t *testing.T) {
	srv, rec := fake(t, fakeupstream.OpenAIConfig{})
	p := newOpenAI(t, srv)
	half := 0.5
	for _, tc := range []struct {
		format        providers.Format
		model, effort string
		kept, ok      bool
	}{
		{providers.FormatAnthropicMessages, "o4-mini", "low", false, true},
		{providers.FormatGemini, "gpt-5", "", false, true},
		{providers.FormatGemini, "gpt-5.1", "", true, true},
		{providers.FormatAnthropicMessages, "gpt-5.1", "none", true, true},
		{providers.FormatAnthropicMessages, "gpt-4o", "", true, true},
		{providers.FormatOpenAIResponses, "o4-mini", "low", true, false},
	} {
		req := &providers.ChatRequest{Messages: []providers.Message{{Role: "user", Content: providers.TextContent("x")}},
			ReasoningEffort: tc.effort, Temperature: &half, TopP: &half, Original: providers.Original{Format: tc.format}}
		_, err := p.Chat(context.Background(), providers.Target{Model: tc.model, APIKey: testKey}, req)
		var sent struct {
			Temperature *float64 `json:"temperature"`
			TopP        *float64 `json:"top_p"`
		}
		if jerr := json.Unmarshal(rec.Last().Body, &sent); jerr != nil || (sent.Temperature != nil) != tc.kept ||
			(sent.TopP != nil) != tc.kept || (err == nil) != tc.ok {
			t.Errorf("format %d, %s %q: sent %s, error %v", tc.format, tc.model, tc.effort, rec.Last().Body, err)
		}
	}
}
