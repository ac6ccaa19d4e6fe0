package anthropic

import (
	"io"
	"testing"
)

// BenchmarkStreamEncoder encodes a typical OpenAI stream as Anthropic events.
func BenchmarkStreamEncoder(b *testing.B) {
	chunks := openAIChunks(&testing.T{})
	b.ReportAllocs()
	for b.Loop() {
		enc := NewStreamEncoder("m")
		for _, c := range chunks {
			_ = enc.Encode(c, io.Discard)
		}
		_ = enc.Finish(io.Discard, nil)
	}
}

// BenchmarkParseMessagesRequest parses a typical SDK request.
func BenchmarkParseMessagesRequest(b *testing.B) {
	body := readTestdata(b, "request/sdk_agent_loop.json")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseMessagesRequest(body); err != nil {
			b.Fatal(err)
		}
	}
}
