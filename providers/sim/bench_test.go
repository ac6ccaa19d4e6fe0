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

// benchParallel runs call with the bench request on one simulator from
// parallel goroutines, as concurrent clients would.
func benchParallel(b *testing.B, call func(ctx context.Context, p *Provider, req *providers.ChatRequest) error) {
	p, _ := newSim(b, nil)
	req := benchRequest()
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := call(ctx, p, req); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkChat(b *testing.B) {
	benchParallel(b, func(ctx context.Context, p *Provider, req *providers.ChatRequest) error {
		_, err := p.Chat(ctx, target, req)
		return err
	})
}

func BenchmarkChatStream(b *testing.B) {
	benchParallel(b, func(ctx context.Context, p *Provider, req *providers.ChatRequest) error {
		s, err := p.ChatStream(ctx, target, req)
		if err != nil {
			return err
		}
		defer s.Close()
		for {
			if _, err := s.Next(); err == io.EOF {
				return nil
			} else if err != nil {
				return err
			}
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
