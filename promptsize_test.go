package aibackends

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
	"github.com/sira-ai/caddy-ai-backends/tokens"
)

// digits is a prompt the character heuristic undercounts about fourfold:
// " 7" is two tokens in o200k_base, two bytes (the heuristic: half a
// token).
func digits(n int) string { return strings.Repeat(" 7", n) }

func sizeRequest(text string, maxTokens int) string {
	b, _ := json.Marshal(map[string]any{"model": "gpt-4o", "max_tokens": maxTokens,
		"messages": []map[string]string{{"role": "user", "content": text}}})
	return string(b)
}

// sizeGateway serves gpt-4o (a sim deployment, so the tokenizer is its
// own) with a 1,000-token context window, routed by capability (which
// leaves out a deployment whose window the request overflows).
func sizeGateway(t testing.TB) *Handler {
	return pipeHandler(t, `{"routing":{"strategy":"capability"},"providers":[{"type":"sim","name":"sim","models":["gpt-4o"],
		"model_overrides":{"gpt-4o":{"context_window":1000}}}]}`)
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// TestPromptSizeNearWindow: a prompt whose character estimate fits the
// context window but whose real size does not is refused before any
// upstream call (the old estimate let it through); a small one is served.
func TestPromptSizeNearWindow(t *testing.T) {
	h := sizeGateway(t)
	w := pipeDo(t, h, "POST", "/v1/chat/completions", sizeRequest(digits(1200), 10))
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "no_capable_deployment") {
		t.Errorf("oversized prompt: %d %s", w.Code, w.Body)
	}
	w = pipeDo(t, h, "POST", "/v1/chat/completions", sizeRequest(digits(300), 10))
	if w.Code != http.StatusOK {
		t.Errorf("small prompt: %d %s", w.Code, w.Body)
	}
}

// TestPromptSizeNearTPM: a key's tokens_per_minute is a limit the prompt
// size decides too: a prompt the heuristic puts under it, but that is
// over it, is refused as too large.
func TestPromptSizeNearTPM(t *testing.T) {
	h := pipeHandler(t, `{"providers":[{"type":"sim","name":"sim","models":["gpt-4o"]}],
		"client_keys":[{"key":"k","tokens_per_minute":1000}]}`)
	w := pipeDo(t, h, "POST", "/v1/chat/completions", sizeRequest(digits(900), 10), "Authorization", "Bearer k")
	if w.Code != http.StatusRequestEntityTooLarge && w.Code != http.StatusTooManyRequests {
		t.Errorf("oversized for the key: %d %s", w.Code, w.Body)
	}
}

// TestPromptSizeRule: far from every limit the estimate is the character
// heuristic (nothing tokenized); near one, the tokenizer's count; for a
// model without a tokenizer of its own, the heuristic throughout.
func TestPromptSizeRule(t *testing.T) {
	h := sizeGateway(t)
	ds := h.catalog.resolve("gpt-4o")
	far := &providers.ChatRequest{Model: "gpt-4o", Messages: []providers.Message{{Role: "user", Content: providers.TextContent(digits(100))}}}
	if got, want := h.promptSize(far, ds, nil), estimatePromptTokens(far); got != want {
		t.Errorf("far from the window: %d, want the heuristic's %d", got, want)
	}
	near := &providers.ChatRequest{Model: "gpt-4o", Messages: []providers.Message{{Role: "user", Content: providers.TextContent(digits(600))}}}
	exact, _ := tokens.Chat(tokens.O200k, near)
	if got := h.promptSize(near, ds, nil); got != exact || got == estimatePromptTokens(near) {
		t.Errorf("near the window: %d, want the tokenizer's %d", got, exact)
	}
	other := pipeHandler(t, `{"providers":[{"type":"sim","name":"sim","models":["claude-x"],
		"model_overrides":{"claude-x":{"context_window":1000}}}]}`)
	near.Model = "claude-x"
	if got, want := other.promptSize(near, other.catalog.resolve("claude-x"), nil), estimatePromptTokens(near); got != want {
		t.Errorf("no own tokenizer: %d, want %d", got, want)
	}
}

// BenchmarkPromptSize: a typical 1,000-token prompt far from every limit
// costs what the heuristic costs; near a limit, a tokenizer pass.
func BenchmarkPromptSize(b *testing.B) {
	para := "The gateway routes each request to a deployment that can serve it, retries on another when the first fails, and records what it spent. "
	req := &providers.ChatRequest{Model: "gpt-4o", Messages: []providers.Message{
		{Role: "system", Content: providers.TextContent("You are a careful assistant.")},
		{Role: "user", Content: providers.TextContent(strings.Repeat(para, 38))}}}
	for _, c := range []struct {
		name   string
		window int
	}{{"far", 128000}, {"near", 1500}} {
		h := pipeHandler(b, `{"providers":[{"type":"sim","name":"sim","models":["gpt-4o"],
			"model_overrides":{"gpt-4o":{"context_window":`+itoa(c.window)+`}}}]}`)
		ds := h.catalog.resolve("gpt-4o")
		h.promptSize(req, ds, nil) // load the vocabulary outside the timing
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				h.promptSize(req, ds, nil)
			}
		})
	}
}
