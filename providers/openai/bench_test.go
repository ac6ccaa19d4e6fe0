package openai

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// seventeenWords streams as 20 chunks: role, 17 words, finish, usage.
const seventeenWords = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen"

const benchReq = `{"model":"gpt-4o","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Say something."}],"temperature":0.2,"stream":true}`

// BenchmarkChat is one non-streamed completion against the fake (the
// fake's own work is included in the figures).
func BenchmarkChat(b *testing.B) {
	srv, _ := fake(b, fakeupstream.OpenAIConfig{Reply: seventeenWords})
	p := newOpenAI(b, srv)
	req := chatRequest(b, strings.Replace(benchReq, `,"stream":true`, "", 1))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Chat(ctx, target, req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkChatStream20 reads a 20-chunk stream against the fake.
func BenchmarkChatStream20(b *testing.B) {
	srv, _ := fake(b, fakeupstream.OpenAIConfig{Reply: seventeenWords})
	p := newOpenAI(b, srv)
	req := chatRequest(b, benchReq)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		s, err := p.ChatStream(ctx, target, req)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for ; ; n++ {
			if _, err = s.Next(); err != nil {
				break
			}
		}
		s.Close()
		if err != io.EOF || n != 20 {
			b.Fatalf("%d chunks, %v", n, err)
		}
	}
}

// BenchmarkChunkDecode20 is the provider's share of a 20-chunk stream:
// SSE framing and chunk decoding from memory, no network.
func BenchmarkChunkDecode20(b *testing.B) {
	var body bytes.Buffer
	role := `{"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_eb9dce56a8","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}`
	word := strings.Replace(role, `"role":"assistant","content":"","refusal":null`, `"content":" word"`, 1)
	body.WriteString("data: " + role + "\n\n")
	for range 19 {
		body.WriteString("data: " + word + "\n\n")
	}
	body.WriteString("data: [DONE]\n\n")
	data := body.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		s := newChunkStream(io.NopCloser(bytes.NewReader(data)), &providers.Config{Name: "bench"})
		for {
			if _, err := s.Next(); err != nil {
				break
			}
		}
	}
}

// BenchmarkChatBodyPatch is the in-place patching of a pass-through body.
func BenchmarkChatBodyPatch(b *testing.B) {
	p := &Provider{official: true}
	req := &providers.ChatRequest{Original: providers.OpenAIOriginal([]byte(benchReq))}
	t := providers.Target{Model: "gpt-4o-2024-08-06"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.chatBody(t, req, true); err != nil {
			b.Fatal(err)
		}
	}
}
