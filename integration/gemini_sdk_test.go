package integration

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"google.golang.org/genai"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/internal/sdktest"
)

// TestGeminiGoSDKCaddyfile runs Google's official Go client through a
// Caddyfile-configured gateway, base URL changed and nothing else, against
// Gemini, OpenAI, Anthropic and sim deployments: generate, stream, a
// function-call round trip, countTokens and embeddings.
func TestGeminiGoSDKCaddyfile(t *testing.T) {
	gem, _ := fakeupstream.NewGemini(fakeupstream.GeminiOptions{Text: "gemini says hi"})
	defer gem.Close()
	gemTools, _ := fakeupstream.NewGemini(fakeupstream.GeminiOptions{
		FunctionCalls: []fakeupstream.GeminiFunctionCall{{Name: "get_weather", Args: `{"city":"Paris"}`}}})
	defer gemTools.Close()
	claude, _ := fakeupstream.NewAnthropic(fakeupstream.AnthropicOptions{})
	defer claude.Close()
	claudeTools, _ := fakeupstream.NewAnthropic(fakeupstream.AnthropicOptions{
		ToolUses: []fakeupstream.AnthropicToolUse{{ID: "toolu_1", Name: "get_weather", Input: `{"city":"Paris"}`}}})
	defer claudeTools.Close()
	oai, oaiRec := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{ToolCalls: true})
	g := startGateway(t, fmt.Sprintf(`	ai_backends {
		provider gem google {
			base_url %s/v1beta
			api_key gemini-key
			models gemini-2.5-flash text-embedding-004
		}
		provider gemtools google {
			base_url %s/v1beta
			api_key gemini-key
			models gemini-tools
		}
		provider claude anthropic {
			base_url %s
			api_key claude-key
			models claude-sonnet-4-5
		}
		provider claudetools anthropic {
			base_url %s
			api_key claude-key
			models claude-tools
		}
		provider oai openai_compatible {
			base_url %s/v1
			models gpt-4o-mini text-embedding-3-small
		}
		provider demo sim {
			models sim-small sim-embed
		}
	}`, gem.URL, gemTools.URL, claude.URL, claudeTools.URL, oai.URL))
	ctx := context.Background()
	c, err := genai.NewClient(ctx, &genai.ClientConfig{APIKey: "any", Backend: genai.BackendGeminiAPI,
		HTTPOptions: genai.HTTPOptions{BaseURL: g.url("/"), APIVersion: "v1beta"}})
	if err != nil {
		t.Fatal(err)
	}

	for _, m := range []string{"gemini-2.5-flash", "gpt-4o-mini", "claude-sonnet-4-5", "sim-small"} {
		sdktest.AssertGeminiHello(t, c, m)
		count, err := c.Models.CountTokens(ctx, m, genai.Text("How many tokens is this sentence?"), nil)
		if err != nil || count.TotalTokens <= 0 {
			t.Errorf("%s countTokens: %+v %v", m, count, err)
		}
	}

	cfg := &genai.GenerateContentConfig{Tools: []*genai.Tool{{FunctionDeclarations: []*genai.FunctionDeclaration{{
		Name: "get_weather", Description: "Weather of a city",
		Parameters: &genai.Schema{Type: genai.TypeObject, Properties: map[string]*genai.Schema{"city": {Type: genai.TypeString}},
			Required: []string{"city"}},
	}}}}}
	for _, m := range []string{"gemini-tools", "gpt-4o-mini", "claude-tools", "sim-small"} {
		history := genai.Text("Weather in Paris?")
		resp, err := c.Models.GenerateContent(ctx, m, history, cfg)
		if err != nil {
			t.Fatalf("%s function call: %v", m, err)
		}
		calls := resp.FunctionCalls()
		if len(calls) != 1 || calls[0].Name != "get_weather" {
			t.Fatalf("%s function call: %+v", m, resp.Candidates[0].Content)
		}
		history = append(history, resp.Candidates[0].Content, genai.NewContentFromParts([]*genai.Part{
			genai.NewPartFromFunctionResponse("get_weather", map[string]any{"temp_c": 21})}, genai.RoleUser))
		if _, err := c.Models.GenerateContent(ctx, m, history, cfg); err != nil {
			t.Fatalf("%s function response turn: %v", m, err)
		}
	}
	if body := string(oaiRec.Last().Body); !strings.Contains(body, `"role":"tool"`) {
		t.Errorf("OpenAI upstream got no tool message: %s", body)
	}

	dims := int32(4)
	for _, m := range []string{"text-embedding-004", "text-embedding-3-small", "sim-embed"} {
		resp, err := c.Models.EmbedContent(ctx, m, []*genai.Content{genai.NewContentFromText("one", genai.RoleUser),
			genai.NewContentFromText("two", genai.RoleUser)}, &genai.EmbedContentConfig{OutputDimensionality: &dims})
		if err != nil {
			t.Fatalf("%s embed: %v", m, err)
		}
		if len(resp.Embeddings) != 2 || len(resp.Embeddings[1].Values) != 4 {
			t.Errorf("%s embed: %+v", m, resp.Embeddings)
		}
	}
	_, err = c.Models.EmbedContent(ctx, "claude-sonnet-4-5", genai.Text("one"), nil)
	var apiErr genai.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != 400 || apiErr.Status != "INVALID_ARGUMENT" {
		t.Errorf("embed on Anthropic: %#v", err)
	}
}
