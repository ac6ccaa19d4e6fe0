package integration

import (
	anthropicsdk "github.com/anthropics/anthropic-sdk-go"
	"github.com/openai/openai-go/v3"

	"github.com/sira-ai/caddy-ai-backends/internal/sdktest"
)

// openAIClient is OpenAI's official Go SDK pointed at the gateway, sending
// key, with retries off so that a test sees each failure as it happened.
func (g *gateway) openAIClient(key string) openai.Client {
	return sdktest.OpenAIClient(g.url("/v1/"), key)
}

// anthropicClient is Anthropic's official Go SDK, likewise.
func (g *gateway) anthropicClient(key string) anthropicsdk.Client {
	return sdktest.AnthropicClient(g.url("/"), key)
}
