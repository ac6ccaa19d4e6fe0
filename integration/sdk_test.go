package integration

import (
	"context"
	"strings"
	"testing"

	"github.com/openai/openai-go/v3"

	"github.com/sira-ai/caddy-ai-backends/internal/sdktest"
)

// startSimGateway starts a gateway whose only provider is the simulator,
// serving models (space-separated).
func startSimGateway(t *testing.T, models string) *gateway {
	return startGateway(t, `	ai_backends {
		provider demo sim {
			models `+models+`
		}
	}`)
}

// TestOpenAIGoSDK uses the official OpenAI Go SDK as a user would, with
// only the base URL switched to the gateway.
func TestOpenAIGoSDK(t *testing.T) {
	g := startSimGateway(t, "sim-small sim-embed sim-image")
	client := g.openAIClient("unused")
	ctx := context.Background()

	chat, err := client.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{
		Model:    "sim-small",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("Tell me about gateways")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(chat.Choices) != 1 || chat.Choices[0].Message.Content == "" || chat.Usage.TotalTokens == 0 {
		t.Fatalf("chat: %+v", chat)
	}

	stream := client.Chat.Completions.NewStreaming(ctx, openai.ChatCompletionNewParams{
		Model:         "sim-small",
		Messages:      []openai.ChatCompletionMessageParamUnion{openai.UserMessage("Stream please")},
		StreamOptions: openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)},
	})
	acc, chunks := sdktest.AccumulateChat(t, stream)
	if chunks < 3 || acc.Choices[0].Message.Content == "" || acc.Usage.TotalTokens == 0 {
		t.Fatalf("stream: %d chunks, %+v", chunks, acc.ChatCompletion)
	}
	if acc.Choices[0].Message.Content != chat.Choices[0].Message.Content && !strings.Contains(acc.Choices[0].Message.Content, " ") {
		t.Fatalf("stream content looks wrong: %q", acc.Choices[0].Message.Content)
	}

	emb, err := client.Embeddings.New(ctx, openai.EmbeddingNewParams{
		Model: "sim-embed",
		Input: openai.EmbeddingNewParamsInputUnion{OfArrayOfStrings: []string{"one", "two"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(emb.Data) != 2 || len(emb.Data[0].Embedding) == 0 {
		t.Fatalf("embeddings: %+v", emb)
	}

	img, err := client.Images.Generate(ctx, openai.ImageGenerateParams{
		Model: "sim-image", Prompt: "a lighthouse", ResponseFormat: openai.ImageGenerateParamsResponseFormatB64JSON,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(img.Data) != 1 || img.Data[0].B64JSON == "" {
		t.Fatalf("images: %+v", img)
	}

	models, err := client.Models.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(models.Data) != 3 {
		t.Fatalf("models: %+v", models.Data)
	}

	_, err = client.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{
		Model:    "no-such-model",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("x")},
	})
	var apiErr *openai.Error
	if err == nil || !asOpenAIError(err, &apiErr) || apiErr.StatusCode != 404 || apiErr.Code != "model_not_found" {
		t.Fatalf("unknown model: %v", err)
	}
}
