package integration

import (
	"context"
	"fmt"
	"testing"

	anthropicsdk "github.com/anthropics/anthropic-sdk-go"
	"github.com/openai/openai-go/v3"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/internal/sdktest"
)

// TestBedrockCaddyfileSDKs: a bedrock provider written in a Caddyfile, its
// secret from an {env.*} placeholder, serves the official OpenAI and
// Anthropic SDKs against the SigV4-checking fake.
func TestBedrockCaddyfileSDKs(t *testing.T) {
	const keyID, secret = "AKIDINTEGRATION0001", "integration-secret-0123456789abcdef"
	t.Setenv("BEDROCK_IT_SECRET", secret)
	srv, rec := fakeupstream.NewBedrock(t, fakeupstream.BedrockConfig{AccessKeyID: keyID, SecretAccessKey: secret, Region: "eu-west-1"})
	g := startGateway(t, fmt.Sprintf(`	ai_backends {
		provider aws bedrock {
			base_url %s
			region eu-west-1
			access_key_id %s
			secret_access_key {env.BEDROCK_IT_SECRET}
			models claude nova
			model_map claude eu.anthropic.claude-sonnet-4-5-20250929-v1:0
			model_map nova amazon.nova-lite-v1:0
		}
	}`, srv.URL, keyID))
	ctx := context.Background()

	oc := g.openAIClient("unused")
	chat, err := oc.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{
		Model: "nova", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("Hi")}})
	if err != nil {
		t.Fatal(err)
	}
	if chat.Choices[0].Message.Content != fakeupstream.DefaultBedrockText {
		t.Errorf("chat: %+v", chat.Choices)
	}
	stream := oc.Chat.Completions.NewStreaming(ctx, openai.ChatCompletionNewParams{
		Model: "nova", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("Hi")}})
	acc, _ := sdktest.AccumulateChat(t, stream)
	if acc.Choices[0].Message.Content != fakeupstream.DefaultBedrockText {
		t.Errorf("stream: %q", acc.Choices[0].Message.Content)
	}

	ac := g.anthropicClient("unused")
	msg, err := ac.Messages.New(ctx, anthropicsdk.MessageNewParams{Model: "claude", MaxTokens: 100,
		Messages: []anthropicsdk.MessageParam{anthropicsdk.NewUserMessage(anthropicsdk.NewTextBlock("Hi"))}})
	if err != nil {
		t.Fatal(err)
	}
	if msg.Content[0].Text != fakeupstream.DefaultBedrockText {
		t.Errorf("messages: %+v", msg.Content)
	}
	if p := rec.Last().Path; p != "/model/eu.anthropic.claude-sonnet-4-5-20250929-v1:0/invoke" {
		t.Errorf("messages went to %s", p)
	}
}
