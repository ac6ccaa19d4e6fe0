// Package sdktest holds what the tests that drive the gateway through the
// providers' official Go SDKs share: a client that does not retry, and
// reading a streamed answer to its end the way an application would. Only
// tests import it.
package sdktest

import (
	"context"
	"strings"
	"testing"

	"github.com/anthropics/anthropic-sdk-go"
	anthropicopt "github.com/anthropics/anthropic-sdk-go/option"
	"github.com/anthropics/anthropic-sdk-go/packages/ssestream"
	"github.com/openai/openai-go/v3"
	openaiopt "github.com/openai/openai-go/v3/option"
	openaissestream "github.com/openai/openai-go/v3/packages/ssestream"
	"github.com/openai/openai-go/v3/responses"
	"google.golang.org/genai"
)

// AccumulateMessage reads an Anthropic message stream to its end into the
// message it builds, failing the test on any error, and reports how many
// events it carried.
func AccumulateMessage(t testing.TB, stream *ssestream.Stream[anthropic.MessageStreamEventUnion]) (anthropic.Message, int) {
	t.Helper()
	var msg anthropic.Message
	events := 0
	for stream.Next() {
		if err := msg.Accumulate(stream.Current()); err != nil {
			t.Fatal(err)
		}
		events++
	}
	if err := stream.Err(); err != nil {
		t.Fatal(err)
	}
	return msg, events
}

// AssertGeminiHello asks model to answer "hello" through the Gemini SDK,
// whole and then streamed, and fails unless the whole answer has text,
// usage and a normal stop and the stream carries text and usage.
func AssertGeminiHello(t testing.TB, c *genai.Client, model string) {
	t.Helper()
	ctx := context.Background()
	resp, err := c.Models.GenerateContent(ctx, model, genai.Text("hello"), nil)
	if err != nil {
		t.Fatalf("%s generate: %v", model, err)
	}
	if resp.Text() == "" || resp.UsageMetadata == nil || resp.UsageMetadata.TotalTokenCount == 0 ||
		resp.Candidates[0].FinishReason != genai.FinishReasonStop {
		t.Errorf("%s generate: %+v", model, resp)
	}
	var text strings.Builder
	var usage *genai.GenerateContentResponseUsageMetadata
	for chunk, err := range c.Models.GenerateContentStream(ctx, model, genai.Text("hello"), nil) {
		if err != nil {
			t.Fatalf("%s stream: %v", model, err)
		}
		text.WriteString(chunk.Text())
		if chunk.UsageMetadata != nil {
			usage = chunk.UsageMetadata
		}
	}
	if text.Len() == 0 || usage == nil || usage.PromptTokenCount == 0 || usage.TotalTokenCount == 0 {
		t.Errorf("%s stream: text %q usage %+v", model, text.String(), usage)
	}
}

// ResponsesStream is what a Responses API stream carried, read through
// the OpenAI SDK.
type ResponsesStream struct {
	Types []string // the event types, in order
	Text  string   // the output text deltas, joined
	Args  string   // the function-call argument deltas, joined
	// Final is the response of the response.completed event, nil when
	// none came.
	Final *responses.Response
}

// ReadResponses reads a Responses API stream to its end, failing the test
// on an error and on an event whose sequence_number is not one more than
// the last one's (the first is 0).
func ReadResponses(t testing.TB, stream *openaissestream.Stream[responses.ResponseStreamEventUnion]) ResponsesStream {
	t.Helper()
	defer stream.Close()
	var got ResponsesStream
	var text, args strings.Builder
	seq := int64(-1)
	for stream.Next() {
		ev := stream.Current()
		got.Types = append(got.Types, ev.Type)
		if ev.SequenceNumber != seq+1 {
			t.Errorf("sequence_number %d after %d", ev.SequenceNumber, seq)
		}
		seq = ev.SequenceNumber
		switch ev.Type {
		case "response.output_text.delta":
			text.WriteString(ev.AsResponseOutputTextDelta().Delta)
		case "response.function_call_arguments.delta":
			args.WriteString(ev.AsResponseFunctionCallArgumentsDelta().Delta)
		case "response.completed":
			r := ev.AsResponseCompleted().Response
			got.Final = &r
		}
	}
	if err := stream.Err(); err != nil {
		t.Fatal(err)
	}
	got.Text, got.Args = text.String(), args.String()
	return got
}

// OpenAIClient is OpenAI's official Go SDK on baseURL (the part before
// /chat/completions), sending key, with retries off so that a test sees
// each failure as it happened.
func OpenAIClient(baseURL, key string) openai.Client {
	return openai.NewClient(openaiopt.WithBaseURL(baseURL), openaiopt.WithAPIKey(key), openaiopt.WithMaxRetries(0))
}

// AnthropicClient is Anthropic's official Go SDK on baseURL (the part
// before /v1/messages), likewise.
func AnthropicClient(baseURL, key string) anthropic.Client {
	return anthropic.NewClient(anthropicopt.WithBaseURL(baseURL), anthropicopt.WithAPIKey(key), anthropicopt.WithMaxRetries(0))
}

// AccumulateChat reads a chat completion stream to its end into the SDK's
// accumulator, failing the test on an error or on a chunk the accumulator
// refuses, and reports how many chunks it carried.
func AccumulateChat(t testing.TB, stream *openaissestream.Stream[openai.ChatCompletionChunk]) (openai.ChatCompletionAccumulator, int) {
	t.Helper()
	var acc openai.ChatCompletionAccumulator
	chunks := 0
	for stream.Next() {
		if !acc.AddChunk(stream.Current()) {
			t.Fatalf("the accumulator refused chunk %d: %s", chunks, stream.Current().RawJSON())
		}
		chunks++
	}
	if err := stream.Err(); err != nil {
		t.Fatal(err)
	}
	return acc, chunks
}
