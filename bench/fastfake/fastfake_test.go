package fastfake

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/anthropics/anthropic-sdk-go"
	"github.com/openai/openai-go/v3"

	"github.com/sira-ai/caddy-ai-backends/internal/sdktest"
)

// The official SDKs must read everything the fake sends: a benchmark
// against a fake that real clients would reject would measure nothing.

// serveFake serves the fake with the default knobs k until the test ends
// and returns its URL.
func serveFake(t *testing.T, k Knobs) string {
	srv := httptest.NewServer(New(k))
	t.Cleanup(srv.Close)
	return srv.URL
}

// openAIClient is the OpenAI SDK's client of a fake whose answers have 7
// words, or 5 chunks when streamed (knobs in the path).
func openAIClient(t *testing.T) openai.Client {
	return sdktest.OpenAIClient(serveFake(t, Knobs{})+"/k/chunks=5,words=7/v1/", "k")
}

func TestOpenAISDKReadsJSONAndStream(t *testing.T) {
	client := openAIClient(t)
	params := openai.ChatCompletionNewParams{
		Model:    `m"1`,
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("hi")},
	}
	chat, err := client.Chat.Completions.New(context.Background(), params)
	if err != nil {
		t.Fatal(err)
	}
	if chat.Model != `m"1` || len(strings.Fields(chat.Choices[0].Message.Content)) != 7 || chat.Usage.TotalTokens != 19 {
		t.Fatalf("chat: %+v", chat)
	}
	params.StreamOptions = openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)}
	stream := client.Chat.Completions.NewStreaming(context.Background(), params)
	acc, n := sdktest.AccumulateChat(t, stream)
	// role + 5 pieces + finish + usage
	if n != 8 || acc.Choices[0].Message.Content != "word1 word2 word3 word4 word5" ||
		acc.Usage.CompletionTokens != 5 || acc.Choices[0].FinishReason != "stop" {
		t.Fatalf("%d chunks: %+v", n, acc.ChatCompletion)
	}
}

func TestAnthropicSDKReadsJSONAndStream(t *testing.T) {
	client := sdktest.AnthropicClient(serveFake(t, Knobs{Chunks: 4, Words: 3}), "k")
	params := anthropic.MessageNewParams{
		Model: "claude-bench", MaxTokens: 100,
		Messages: []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("hi"))},
	}
	msg, err := client.Messages.New(context.Background(), params)
	if err != nil {
		t.Fatal(err)
	}
	if msg.Content[0].Text != "word1 word2 word3" || msg.Usage.OutputTokens != 3 || msg.StopReason != "end_turn" {
		t.Fatalf("message: %+v", msg)
	}
	stream := client.Messages.NewStreaming(context.Background(), params)
	acc, _ := sdktest.AccumulateMessage(t, stream)
	if acc.Content[0].Text != "word1 word2 word3 word4" || acc.Usage.OutputTokens != 4 || acc.Model != "claude-bench" {
		t.Fatalf("stream: %+v", acc)
	}
}

func TestParseKnobs(t *testing.T) {
	k, err := ParseKnobs("delay=50ms,chunks=3,interval=5ms,words=2", Knobs{})
	if err != nil || k.Delay.Milliseconds() != 50 || k.Chunks != 3 || k.Interval.Milliseconds() != 5 || k.Words != 2 {
		t.Fatalf("%+v %v", k, err)
	}
	if _, err := ParseKnobs("speed=9", Knobs{}); err == nil {
		t.Fatal("unknown knob accepted")
	}
}

func FuzzParseKnobs(f *testing.F) {
	for _, s := range []string{"", "delay=50ms", "chunks=20,interval=5ms", "words=3,,delay=1s", "chunks=-1", "x=1", "delay=", "=,="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		k, err := ParseKnobs(spec, Knobs{})
		if err == nil && (k.Chunks <= 0 || k.Words <= 0) {
			t.Fatalf("%q: defaults not applied: %+v", spec, k)
		}
	})
}
