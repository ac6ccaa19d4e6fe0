package integration

import (
	anthropicsdk "github.com/anthropics/anthropic-sdk-go"
	anthropicopt "github.com/anthropics/anthropic-sdk-go/option"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
)

// openAIClient is OpenAI's official Go SDK pointed at the gateway, sending
// key, with retries off so that a test sees each failure as it happened.
func (g *gateway) openAIClient(key string) openai.Client {
	return openai.NewClient(option.WithBaseURL(g.url("/v1/")), option.WithAPIKey(key), option.WithMaxRetries(0))
}

// anthropicClient is Anthropic's official Go SDK, likewise.
func (g *gateway) anthropicClient(key string) anthropicsdk.Client {
	return anthropicsdk.NewClient(anthropicopt.WithBaseURL(g.url("/")), anthropicopt.WithAPIKey(key), anthropicopt.WithMaxRetries(0))
}
