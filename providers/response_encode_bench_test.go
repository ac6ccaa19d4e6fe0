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

// benchEncode benchmarks encode as the sub-benchmark name, with its
// allocations: each encoder next to encoding/json on the same value.
func benchEncode(b *testing.B, name string, encode func() ([]byte, error)) {
	b.Run(name, func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := encode(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkMarshalChatResponse(b *testing.B) {
	r := benchResponse()
	benchEncode(b, "encoding_json", func() ([]byte, error) { return json.Marshal(r) })
	benchEncode(b, "MarshalChatResponse", func() ([]byte, error) { return MarshalChatResponse(r) })
}

func BenchmarkChatChunk(b *testing.B) {
	c := benchChunk()
	benchEncode(b, "encoding_json", func() ([]byte, error) { return json.Marshal(c) })
	// As the stream writer would use it: into one buffer reused per event.
	var buf []byte
	benchEncode(b, "AppendChatChunk", func() (_ []byte, err error) {
		buf, err = AppendChatChunk(buf[:0], c)
		return buf, err
	})
	// Into a fresh slice each time, as a drop-in for json.Marshal.
	benchEncode(b, "AppendChatChunk_nil", func() ([]byte, error) { return AppendChatChunk(nil, c) })
}
