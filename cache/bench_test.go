package cache

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// BenchmarkGetHit measures the hit path the handler takes before any
// upstream work: it should not allocate.
func BenchmarkGetHit(b *testing.B) {
	c := newTestCache(b, 64<<20, nil)
	key := ChatKey(parseChat(b, baseChat))
	c.Set(key, &Entry{Body: make([]byte, 2048), Model: "gpt-4o"}, time.Hour, 0)
	c.Wait()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, fresh, ok := c.Get(key); !ok || !fresh {
			b.Fatal("miss")
		}
	}
}

func BenchmarkGetHitParallel(b *testing.B) {
	c := newTestCache(b, 64<<20, nil)
	key := ChatKey(parseChat(b, baseChat))
	c.Set(key, &Entry{Body: make([]byte, 2048)}, time.Hour, 0)
	c.Wait()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, _, ok := c.Get(key); !ok {
				b.Error("miss")
				return
			}
		}
	})
}

// typicalChat is a five-message conversation of ordinary size.
const typicalChat = `{
  "model": "gpt-4o-mini",
  "messages": [
    {"role": "system", "content": "You are a helpful assistant for an online bookshop. Answer briefly and politely."},
    {"role": "user", "content": "Do you have any books about the history of mathematics?"},
    {"role": "assistant", "content": "Yes: we stock several, from general introductions to detailed histories of specific periods. Are you looking for something introductory?"},
    {"role": "user", "content": "Something introductory, ideally with illustrations, for a curious teenager."},
    {"role": "assistant", "content": "Then I would suggest an illustrated overview. Shall I check which editions are in stock?"}
  ],
  "temperature": 0,
  "max_tokens": 256,
  "user": "customer-1234"
}`

func BenchmarkChatKey(b *testing.B) {
	req := parseChat(b, typicalChat)
	b.ReportAllocs()
	b.SetBytes(int64(len(req.Original.Body)))
	for b.Loop() {
		ChatKey(req)
	}
}

// BenchmarkChatKeyTyped is a request translated from another format (no Raw).
func BenchmarkChatKeyTyped(b *testing.B) {
	req := parseChat(b, typicalChat)
	req.Original = providers.Original{}
	b.ReportAllocs()
	for b.Loop() {
		ChatKey(req)
	}
}

func BenchmarkEmbeddingKey(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		EmbeddingKey("text-embedding-3-small", "The quick brown fox jumps over the lazy dog.", nil, "")
	}
}

func BenchmarkReplayChunks(b *testing.B) {
	var resp providers.ChatResponse
	body := `{"id":"x","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Hello there, how can I help?"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}}`
	if err := json.Unmarshal([]byte(body), &resp); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		ReplayChunks(&resp, true)
	}
}
