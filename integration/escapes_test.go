package integration

import (
	"context"
	"encoding/json"
	"testing"

	anthropicsdk "github.com/anthropics/anthropic-sdk-go"
	"github.com/openai/openai-go/v3"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/internal/sdktest"
)

// escapedText is what models write all the time and JSON must escape:
// newlines, quotes, backslashes, tabs, HTML characters (Go's encoder writes
// them as \u003c and so on), non-ASCII and a character outside the BMP.
const escapedText = "Line one\nLine \"two\" with a \\ backslash\tand a tab, <b>&amp;</b> — déjà vu 😀\n\n```go\nfmt.Println(\"hi\")\n```"

// TestEscapedTextSurvivesEveryPath sends that text through the hand-written
// decoders of every path — the client's request, pass-through and translated
// answers and streams, in both client formats — and checks it arrives as sent.
func TestEscapedTextSurvivesEveryPath(t *testing.T) {
	claude, crec := fakeupstream.NewAnthropic(fakeupstream.AnthropicOptions{Text: escapedText, TextChunk: 3})
	defer claude.Close()
	gem, _ := fakeupstream.NewGemini(fakeupstream.GeminiOptions{})
	defer gem.Close()
	oai, orec := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{Reply: escapedText})
	g := startGateway(t, translatedSite(claude.URL, gem.URL, oai.URL))
	ctx := context.Background()

	oc := g.openAIClient("x")
	for _, model := range []string{"gpt-4o-mini", "claude-sonnet-4-5"} {
		params := openai.ChatCompletionNewParams{
			Model:    model,
			Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage(escapedText)},
		}
		resp, err := oc.Chat.Completions.New(ctx, params)
		if err != nil {
			t.Fatal(err)
		}
		if got := resp.Choices[0].Message.Content; got != escapedText {
			t.Errorf("%s answer: %q", model, got)
		}
		stream := oc.Chat.Completions.NewStreaming(ctx, params)
		acc, _ := sdktest.AccumulateChat(t, stream)
		if got := acc.Choices[0].Message.Content; got != escapedText {
			t.Errorf("%s stream: %q", model, got)
		}
	}
	// The prompt reached both upstreams as the client wrote it.
	var sentOpenAI struct {
		Messages []struct{ Content string } `json:"messages"`
	}
	mustJSON(t, orec.Last().Body, &sentOpenAI)
	if len(sentOpenAI.Messages) != 1 || sentOpenAI.Messages[0].Content != escapedText {
		t.Errorf("OpenAI upstream got %s", orec.Last().Body)
	}
	var sentClaude struct {
		Messages []struct {
			Content json.RawMessage `json:"content"` // a string or text blocks, both Anthropic's
		} `json:"messages"`
	}
	mustJSON(t, crec.Last().Body, &sentClaude)
	if len(sentClaude.Messages) != 1 || anthropicText(sentClaude.Messages[0].Content) != escapedText {
		t.Errorf("Anthropic upstream got %s", crec.Last().Body)
	}

	// An Anthropic client, answered by the OpenAI deployment (translated back).
	ac := g.anthropicClient("x")
	params := anthropicsdk.MessageNewParams{
		Model:     "gpt-4o-mini",
		MaxTokens: 100,
		Messages:  []anthropicsdk.MessageParam{anthropicsdk.NewUserMessage(anthropicsdk.NewTextBlock(escapedText))},
	}
	msg, err := ac.Messages.New(ctx, params)
	if err != nil {
		t.Fatal(err)
	}
	if len(msg.Content) != 1 || msg.Content[0].Text != escapedText {
		t.Errorf("Anthropic client, answer: %+v", msg.Content)
	}
	stream := ac.Messages.NewStreaming(ctx, params)
	acc, _ := sdktest.AccumulateMessage(t, stream)
	if len(acc.Content) != 1 || acc.Content[0].Text != escapedText {
		t.Errorf("Anthropic client, stream: %+v", acc.Content)
	}
}

// anthropicText is the text of an Anthropic message content: a string, or
// its text blocks joined.
func anthropicText(content json.RawMessage) string {
	var s string
	if json.Unmarshal(content, &s) == nil {
		return s
	}
	var blocks []struct{ Text string }
	_ = json.Unmarshal(content, &blocks)
	for _, b := range blocks {
		s += b.Text
	}
	return s
}
