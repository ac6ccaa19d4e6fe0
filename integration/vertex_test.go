package integration

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	anthropicsdk "github.com/anthropics/anthropic-sdk-go"
	"github.com/openai/openai-go/v3"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/internal/sdktest"
)

// TestSDKsAgainstVertex runs the official OpenAI and Anthropic SDKs
// through a Caddyfile whose vertex provider reads its service-account key
// with a {file.*} placeholder: Gemini chat and stream, a Claude stream,
// embeddings, and /v1/messages to Claude, one token for the whole run.
func TestSDKsAgainstVertex(t *testing.T) {
	f, rec := fakeupstream.NewVertex(t, fakeupstream.VertexConfig{
		Gemini: fakeupstream.GeminiOptions{Chunks: []string{"Gemini ", "on ", "Vertex"}}})
	keyFile := filepath.Join(t.TempDir(), "sa.json")
	if err := os.WriteFile(keyFile, []byte(f.ServiceAccountJSON(false)), 0o600); err != nil {
		t.Fatal(err)
	}
	g := startGateway(t, fmt.Sprintf(`	ai_backends {
		provider vx vertex {
			base_url %s
			location us-central1
			credentials_json {file.%s}
			models gemini-2.5-flash claude-sonnet-4-5@20250929 text-embedding-005
		}
	}`, f.URL, keyFile))
	ctx := context.Background()
	client := g.openAIClient("x")

	chat, err := client.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{Model: "gemini-2.5-flash",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("hello")}})
	if err != nil || chat.Choices[0].Message.Content != "Gemini on Vertex" {
		t.Fatalf("gemini chat: %v %+v", err, chat)
	}
	for _, model := range []string{"gemini-2.5-flash", "claude-sonnet-4-5@20250929"} {
		s := client.Chat.Completions.NewStreaming(ctx, openai.ChatCompletionNewParams{Model: model,
			Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("hello")}})
		acc, _ := sdktest.AccumulateChat(t, s)
		if acc.Choices[0].Message.Content == "" {
			t.Fatalf("%s stream: %+v", model, acc.Choices)
		}
	}
	emb, err := client.Embeddings.New(ctx, openai.EmbeddingNewParams{Model: "text-embedding-005",
		Input: openai.EmbeddingNewParamsInputUnion{OfArrayOfStrings: []string{"one", "two"}}})
	if err != nil || len(emb.Data) != 2 {
		t.Fatalf("embeddings: %v %+v", err, emb)
	}

	ac := g.anthropicClient("x")
	msg, err := ac.Messages.New(ctx, anthropicsdk.MessageNewParams{Model: "claude-sonnet-4-5@20250929", MaxTokens: 64,
		Messages: []anthropicsdk.MessageParam{anthropicsdk.NewUserMessage(anthropicsdk.NewTextBlock("hello"))}})
	if err != nil || len(msg.Content) != 1 || msg.Content[0].Text != fakeupstream.DefaultAnthropicText {
		t.Fatalf("messages: %v %+v", err, msg)
	}
	last := rec.Last()
	if !strings.HasSuffix(last.Path, "/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict") ||
		strings.Contains(string(last.Body), `"model"`) || !strings.HasPrefix(last.Header.Get("Authorization"), "Bearer ya29.") {
		t.Errorf("sent %s %s", last.Path, last.Body)
	}
	if f.Issued() != 1 {
		t.Errorf("%d tokens issued in one run", f.Issued())
	}
}
