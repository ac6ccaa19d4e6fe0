package providers

import (
	"encoding/json"
	"strings"
	"testing"
)

// benchResponse is a typical answer translated from Anthropic: a few
// paragraphs of text with a newline and a quote or two, and usage with
// cached prompt tokens.
func benchResponse() *ChatResponse {
	text := strings.Repeat("The capital of France is Paris. It has been the country's capital since 987, "+
		"and today it is home to about \"2.1 million\" people.\n\n", 6)
	return &ChatResponse{
		ID: "msg_01XFDUDYJgAACzvnptvVoYEL", Object: "chat.completion", Created: 1735689600,
		Model:   "claude-sonnet-4-5-20250929",
		Choices: []Choice{{Message: Message{Role: "assistant", Content: TextContent(text)}, FinishReason: FinishStop}},
		Usage: &Usage{PromptTokens: 1320, CompletionTokens: 212, TotalTokens: 1532,
			PromptTokensDetails:     &PromptTokensDetails{CachedTokens: 1024},
			CompletionTokensDetails: &CompletionTokensDetails{}},
	}
}

// benchChunk is a typical content delta of a translated stream: one token.
func benchChunk() *ChatChunk {
	return &ChatChunk{
		ID: "chatcmpl-msg_01XFDUDYJgAACzvnptvVoYEL", Object: "chat.completion.chunk", Created: 1735689600,
		Model: "claude-sonnet-4-5-20250929", Choices: []ChunkChoice{{Delta: Delta{Content: ptr(" Paris")}}},
	}
}

func BenchmarkMarshalChatResponse(b *testing.B) {
	r := benchResponse()
	b.Run("encoding_json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("MarshalChatResponse", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := MarshalChatResponse(r); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkChatChunk(b *testing.B) {
	c := benchChunk()
	b.Run("encoding_json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(c); err != nil {
				b.Fatal(err)
			}
		}
	})
	// As the stream writer would use it: into one buffer reused per event.
	b.Run("AppendChatChunk", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		for b.Loop() {
			var err error
			if buf, err = AppendChatChunk(buf[:0], c); err != nil {
				b.Fatal(err)
			}
		}
	})
	// Into a fresh slice each time, as a drop-in for json.Marshal.
	b.Run("AppendChatChunk_nil", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := AppendChatChunk(nil, c); err != nil {
				b.Fatal(err)
			}
		}
	})
}
