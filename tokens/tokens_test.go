package tokens

import (
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

func TestForModel(t *testing.T) {
	for _, c := range []struct {
		model string
		enc   Encoding
		own   bool
	}{
		{"gpt-4o-mini", O200k, true}, {"gpt-4.1", O200k, true}, {"gpt-5", O200k, true},
		{"o3-mini", O200k, true}, {"o1", O200k, true}, {"openai/gpt-4o", O200k, true},
		{"gpt-4-turbo", Cl100k, true}, {"gpt-3.5-turbo", Cl100k, true},
		{"claude-sonnet-4-5", O200k, false}, {"gemini-2.5-flash", O200k, false}, {"omni", O200k, false},
	} {
		enc, own := ForModel(c.model)
		if enc != c.enc || own != c.own {
			t.Errorf("ForModel(%q) = %s, %v; want %s, %v", c.model, enc, own, c.enc, c.own)
		}
	}
}

// Known tiktoken counts: "hello world" is 2 tokens in both vocabularies;
// "tiktoken is great!" is 6 in cl100k_base (OpenAI's cookbook example).
func TestText(t *testing.T) {
	for _, c := range []struct {
		enc  Encoding
		s    string
		want int
	}{
		{O200k, "", 0}, {O200k, "hello world", 2}, {Cl100k, "hello world", 2},
		{Cl100k, "tiktoken is great!", 6},
	} {
		got, err := Text(c.enc, c.s)
		if err != nil || got != c.want {
			t.Errorf("Text(%s, %q) = %d, %v; want %d", c.enc, c.s, got, err, c.want)
		}
	}
}

func TestChatFraming(t *testing.T) {
	req := &providers.ChatRequest{Messages: []providers.Message{
		{Role: "system", Content: providers.TextContent("hello world")},
		{Role: "user", Content: providers.TextContent("hello world")},
	}}
	got, err := Chat(O200k, req)
	if err != nil {
		t.Fatal(err)
	}
	// 3 priming + 2×(3 framing + 1 role + 2 text)
	if got != 15 {
		t.Fatalf("Chat = %d, want 15", got)
	}
	// Tools and images add to it.
	req.Tools = []providers.Tool{{Type: "function", Function: providers.FunctionDef{Name: "get_weather",
		Description: "Weather for a city", Parameters: []byte(`{"type":"object"}`)}}}
	req.Messages[1].Content = providers.Content{Parts: []providers.ContentPart{
		{Type: "text", Text: "hello world"},
		{Type: "image_url", ImageURL: &providers.ImageURL{URL: "https://x/y.png", Detail: "low"}},
	}}
	more, err := Chat(O200k, req)
	if err != nil {
		t.Fatal(err)
	}
	if more <= got+lowDetailImage+perTool {
		t.Fatalf("Chat with a tool and an image = %d, want more than %d", more, got+lowDetailImage+perTool)
	}
}

// prompt1k is a prompt of about 1,000 tokens of English prose.
func prompt1k() *providers.ChatRequest {
	para := "The gateway routes each request to a deployment that can serve it, retries on another when the first fails, and records what it spent. "
	return &providers.ChatRequest{Messages: []providers.Message{
		{Role: "system", Content: providers.TextContent("You are a careful assistant.")},
		{Role: "user", Content: providers.TextContent(strings.Repeat(para, 38))},
	}}
}

func TestPrompt1kSize(t *testing.T) {
	n, err := Chat(O200k, prompt1k())
	if err != nil {
		t.Fatal(err)
	}
	if n < 900 || n > 1100 {
		t.Fatalf("the benchmark prompt is %d tokens, want about 1,000", n)
	}
}

func BenchmarkChat1k(b *testing.B) {
	req := prompt1k()
	if _, err := Chat(O200k, req); err != nil { // load the vocabulary outside the timing
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Chat(O200k, req); err != nil {
			b.Fatal(err)
		}
	}
}
