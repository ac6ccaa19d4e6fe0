package aibackends

import (
	"context"
	"errors"
	"testing"

	anthropicsdk "github.com/anthropics/anthropic-sdk-go"
	openaisdk "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/responses"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/internal/sdktest"
)

// countServer runs the counting handler behind a loopback HTTP server, as
// an SDK reaches it.
func countServer(t *testing.T) (*countFakes, string) {
	t.Helper()
	f := newCountFakes(t, fakeupstream.AnthropicOptions{}, "")
	return f, pipeServe(t, f.h)
}

// TestCountTokensAnthropicSDK: the official Anthropic Go SDK's
// Messages.CountTokens works against every provider type, and an unknown
// model raises its typed 404.
func TestCountTokensAnthropicSDK(t *testing.T) {
	_, url := countServer(t)
	client := sdktest.AnthropicClient(url, "k")
	params := func(model string) anthropicsdk.MessageCountTokensParams {
		return anthropicsdk.MessageCountTokensParams{
			Model:    model,
			System:   anthropicsdk.MessageCountTokensParamsSystemUnion{OfString: anthropicsdk.String("Be brief.")},
			Messages: []anthropicsdk.MessageParam{anthropicsdk.NewUserMessage(anthropicsdk.NewTextBlock("hello there friend"))},
			Tools: []anthropicsdk.MessageCountTokensToolUnionParam{anthropicsdk.MessageCountTokensToolParamOfTool(
				anthropicsdk.ToolInputSchemaParam{Properties: map[string]any{"city": map[string]any{"type": "string"}}}, "get_weather")},
		}
	}
	for _, model := range []string{"claude", "gpt", "gemini", "sim"} {
		res, err := client.Messages.CountTokens(context.Background(), params(model))
		if err != nil {
			t.Fatalf("%s: %v", model, err)
		}
		if res.InputTokens <= 0 {
			t.Errorf("%s: input_tokens %d", model, res.InputTokens)
		}
	}
	_, err := client.Messages.CountTokens(context.Background(), params("nope"))
	var apiErr *anthropicsdk.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 {
		t.Fatalf("unknown model: %v", err)
	}
}

// TestInputTokensOpenAISDK: the official OpenAI Go SDK's
// Responses.InputTokens.Count works against every provider type.
func TestInputTokensOpenAISDK(t *testing.T) {
	_, url := countServer(t)
	client := sdktest.OpenAIClient(url+"/v1", "k")
	for _, model := range []string{"gpt", "claude", "gemini", "sim"} {
		res, err := client.Responses.InputTokens.Count(context.Background(), responses.InputTokenCountParams{
			Model:        openaisdk.String(model),
			Instructions: openaisdk.String("Be brief."),
			Input:        responses.InputTokenCountParamsInputUnion{OfString: openaisdk.String("hello there friend")},
		})
		if err != nil {
			t.Fatalf("%s: %v", model, err)
		}
		if res.InputTokens <= 0 || res.Object != "response.input_tokens" {
			t.Errorf("%s: %+v", model, res)
		}
	}
	_, err := client.Responses.InputTokens.Count(context.Background(), responses.InputTokenCountParams{
		Model: openaisdk.String("nope"), Input: responses.InputTokenCountParamsInputUnion{OfString: openaisdk.String("x")}})
	var apiErr *openaisdk.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 || apiErr.Code != "model_not_found" {
		t.Fatalf("unknown model: %v", err)
	}
}
