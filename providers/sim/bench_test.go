package sim

import (
	"context"
	"io"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

func benchRequest() *providers.ChatRequest {
	return chatReq(
		providers.Message{Role: "system", Content: providers.TextContent("You are a helpful assistant.")},
		userMsg("Explain in a few sentences how a reverse proxy balances load across backends."))
}

func BenchmarkChat(b *testing.B) {
	p, _ := newSim(b, nil)
	req := benchRequest()
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := p.Chat(ctx, target, req); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkChatStream(b *testing.B) {
	p, _ := newSim(b, nil)
	req := benchRequest()
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			s, err := p.ChatStream(ctx, target, req)
			if err != nil {
				b.Fatal(err)
			}
			for {
				if _, err := s.Next(); err == io.EOF {
					break
				} else if err != nil {
					b.Fatal(err)
				}
			}
			s.Close()
		}
	})
}

func BenchmarkEmbeddings(b *testing.B) {
	p, _ := newSim(b, nil)
	req := &providers.EmbeddingRequest{Input: providers.EmbeddingInput{Texts: []string{"a short sentence to embed for the benchmark"}}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Embeddings(context.Background(), target, req); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkImages(b *testing.B) {
	p, _ := newSim(b, nil)
	req := &providers.ImageRequest{Prompt: "a lighthouse at dusk"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Images(context.Background(), target, req); err != nil {
			b.Fatal(err)
		}
	}
}
