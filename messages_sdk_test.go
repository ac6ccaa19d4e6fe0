package aibackends

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/anthropics/anthropic-sdk-go"
	"github.com/anthropics/anthropic-sdk-go/option"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
)

// TestMessagesSDKStartUsage: the official Anthropic SDK, streaming through
// the gateway, has the input count after the first event (message_start):
// the upstream's exact one from Anthropic, the gateway's estimate from a
// translated upstream; the final count is exact either way.
func TestMessagesSDKStartUsage(t *testing.T) {
	h, _, _ := messagesHandler(t, fakeupstream.AnthropicOptions{InputTokens: 37}, "")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h.ServeHTTP(w, r, nil); err != nil {
			t.Error(err)
		}
	}))
	t.Cleanup(srv.Close)
	client := anthropic.NewClient(option.WithBaseURL(srv.URL), option.WithAPIKey("client-key"), option.WithMaxRetries(0))
	for _, c := range []struct {
		model        string
		exactAtStart int64 // 0: an estimate, > 0
	}{{"claude", 37}, {"gpt", 0}} {
		stream := client.Messages.NewStreaming(context.Background(), anthropic.MessageNewParams{
			Model: anthropic.Model(c.model), MaxTokens: 256,
			Messages: []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("Tell me about the weather in Paris today."))},
		})
		var msg anthropic.Message
		first := true
		for stream.Next() {
			if err := msg.Accumulate(stream.Current()); err != nil {
				t.Fatal(err)
			}
			if first {
				first = false
				in := msg.Usage.InputTokens
				if (c.exactAtStart > 0 && in != c.exactAtStart) || in <= 0 {
					t.Errorf("%s: input_tokens after message_start = %d", c.model, in)
				}
			}
		}
		if err := stream.Err(); err != nil {
			t.Fatalf("%s: %v", c.model, err)
		}
		if msg.Usage.InputTokens <= 0 || msg.Usage.OutputTokens <= 0 || msg.Model != anthropic.Model(c.model) {
			t.Errorf("%s: final %+v model %s", c.model, msg.Usage, msg.Model)
		}
	}
}
