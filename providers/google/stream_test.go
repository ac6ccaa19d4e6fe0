package google

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

const testKey = "test-gemini-key"

// newTestProvider provisions a provider against a Gemini fake.
func newTestProvider(t testing.TB, opts fakeupstream.GeminiOptions) (*Provider, *fakeupstream.Recorder) {
	t.Helper()
	if opts.APIKey == "" {
		opts.APIKey = testKey
	}
	srv, rec := fakeupstream.NewGemini(opts)
	t.Cleanup(srv.Close)
	p := &Provider{Config: providers.Config{BaseURL: srv.URL + "/v1beta", APIKeys: []providers.APIKey{{Value: testKey}}}}
	if err := p.Provision(caddy.Context{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Cleanup() })
	return p, rec
}

var target = providers.Target{Model: "gemini-2.5-flash", APIKey: testKey}

const simpleRequest = `{"model":"public","messages":[{"role":"user","content":"Hi"}],"stream":true}`

// drain reads a stream to its end and renders each chunk as JSON with the
// time field zeroed.
func drain(t *testing.T, s providers.ChatStream) ([]string, error) {
	t.Helper()
	defer s.Close()
	var out []string
	for {
		c, err := s.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return out, err
		}
		c.Created = 0
		out = append(out, string(mustMarshal(t, c)))
		if len(out) > 1000 {
			t.Fatal("stream does not end")
		}
	}
}

// streamChunks streams the chat request body through p and returns every
// chunk drain sees, failing the test if the stream does not end cleanly.
func streamChunks(t *testing.T, p *Provider, body string) []string {
	t.Helper()
	s, err := p.ChatStream(context.Background(), target, chatRequest(t, body))
	if err != nil {
		t.Fatal(err)
	}
	got, err := drain(t, s)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func assertChunks(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d chunks, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
		return
	}
	for i := range got {
		assertJSONEq(t, []byte(got[i]), []byte(want[i]))
	}
}

// chunk builds an expected chunk of the fake's response "fake-response-1".
func chunk(choices, usage string) string {
	u := ""
	if usage != "" {
		u = `,"usage":` + usage
	}
	return `{"id":"fake-response-1","object":"chat.completion.chunk","created":0,"model":"gemini-2.5-flash","choices":` + choices + u + `}`
}

// TestStreamText: a client that asked for reasoning text gets the thought
// part (Gemini sends it only with includeThoughts) as reasoning_content;
// the thoughts' tokens are reasoning tokens either way.
func TestStreamText(t *testing.T) {
	for _, lf := range []bool{false, true} {
		p, rec := newTestProvider(t, fakeupstream.GeminiOptions{Chunks: []string{"Hel", "lo"}, Thought: "hmm", LF: lf,
			Usage: fakeupstream.GeminiUsage{Prompt: 10, Candidates: 4, Thoughts: 3, Cached: 2}})
		req := chatRequest(t, simpleRequest)
		req.IncludeReasoning = true
		s, err := p.ChatStream(context.Background(), target, req)
		if err != nil {
			t.Fatal(err)
		}
		got, err := drain(t, s)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(rec.Last().Body), `"includeThoughts":true`) {
			t.Errorf("Gemini got %s, want includeThoughts", rec.Last().Body)
		}
		assertChunks(t, got, []string{
			chunk(`[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]`, ""),
			chunk(`[{"index":0,"delta":{"reasoning_content":"hmm"},"finish_reason":null}]`, ""),
			chunk(`[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]`, ""),
			chunk(`[{"index":0,"delta":{"content":"lo"},"finish_reason":null}]`, ""),
			chunk(`[{"index":0,"delta":{},"finish_reason":"stop"}]`, ""),
			chunk(`[]`, `{"prompt_tokens":10,"completion_tokens":7,"total_tokens":17,"prompt_tokens_details":{"cached_tokens":2},"completion_tokens_details":{"reasoning_tokens":3}}`),
		})
		if path := rec.Last().Path; path != "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse" {
			t.Errorf("path = %q", path)
		}
		// Not asked: no thought part, so no reasoning_content; the tokens still count.
		plain := streamChunks(t, p, simpleRequest)
		if len(plain) != 5 || strings.Contains(strings.Join(plain, ""), "reasoning_content") ||
			!strings.Contains(plain[4], `"reasoning_tokens":3`) {
			t.Errorf("without includeThoughts: %q", plain)
		}
	}
}

func TestStreamToolCallLaterStop(t *testing.T) {
	p, _ := newTestProvider(t, fakeupstream.GeminiOptions{
		Chunks:         []string{"Checking."},
		FunctionCalls:  []fakeupstream.GeminiFunctionCall{{Name: "get_weather", Args: `{"city":"Paris"}`, ThoughtSignature: "c2lnbmF0dXJl"}, {ID: "g-2", Name: "get_time"}},
		SeparateFinish: true,
		Usage:          fakeupstream.GeminiUsage{Prompt: 20, Candidates: 9},
	})
	got := streamChunks(t, p, simpleRequest)
	firstID := syntheticCallID("fake-response-1", 0, 0, "get_weather", []byte(`{"city":"Paris"}`)) + "__ts__c2lnbmF0dXJl"
	assertChunks(t, got, []string{
		chunk(`[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]`, ""),
		chunk(`[{"index":0,"delta":{"content":"Checking."},"finish_reason":null}]`, ""),
		chunk(`[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"`+firstID+`","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},"finish_reason":null}]`, ""),
		chunk(`[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"g-2","type":"function","function":{"name":"get_time","arguments":"{}"}}]},"finish_reason":null}]`, ""),
		chunk(`[{"index":0,"delta":{},"finish_reason":"tool_calls"}]`, ""),
		chunk(`[]`, `{"prompt_tokens":20,"completion_tokens":9,"total_tokens":29,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}`),
	})
}

func TestStreamUsageLastWins(t *testing.T) {
	// The fake repeats cumulative usage on each of the three events
	// (candidates 2, 4, 6): summing would report 12.
	p, _ := newTestProvider(t, fakeupstream.GeminiOptions{Chunks: []string{"a", "b", "c"}, Usage: fakeupstream.GeminiUsage{Prompt: 10, Candidates: 6}})
	got := streamChunks(t, p, simpleRequest)
	assertJSONEq(t, []byte(got[len(got)-1]), []byte(chunk(`[]`, `{"prompt_tokens":10,"completion_tokens":6,"total_tokens":16,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}`)))
}

func TestStreamSeveralCandidates(t *testing.T) {
	p, rec := newTestProvider(t, fakeupstream.GeminiOptions{Chunks: []string{"x"}})
	got := streamChunks(t, p, `{"messages":[{"role":"user","content":"Hi"}],"n":2}`)
	assertChunks(t, got, []string{
		chunk(`[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]`, ""),
		chunk(`[{"index":0,"delta":{"content":"x"},"finish_reason":null}]`, ""),
		chunk(`[{"index":0,"delta":{},"finish_reason":"stop"}]`, ""),
		chunk(`[{"index":1,"delta":{"role":"assistant","content":""},"finish_reason":null}]`, ""),
		chunk(`[{"index":1,"delta":{"content":"x"},"finish_reason":null}]`, ""),
		chunk(`[{"index":1,"delta":{},"finish_reason":"stop"}]`, ""),
		chunk(`[]`, `{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}`),
	})
	if !strings.Contains(string(rec.Last().Body), `"candidateCount":2`) {
		t.Errorf("candidateCount not sent: %s", rec.Last().Body)
	}
}

func TestStreamBlockedPrompt(t *testing.T) {
	p, _ := newTestProvider(t, fakeupstream.GeminiOptions{BlockReason: "SAFETY", Usage: fakeupstream.GeminiUsage{Prompt: 3}})
	got := streamChunks(t, p, simpleRequest)
	assertChunks(t, got, []string{
		chunk(`[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]`, ""),
		chunk(`[{"index":0,"delta":{},"finish_reason":"content_filter"}]`, ""),
		chunk(`[]`, `{"prompt_tokens":3,"completion_tokens":0,"total_tokens":3,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}`),
	})
}

func TestStreamTruncated(t *testing.T) {
	p, _ := newTestProvider(t, fakeupstream.GeminiOptions{Chunks: []string{"a", "b", "c"}, TruncateAfter: 2})
	s, err := p.ChatStream(context.Background(), target, chatRequest(t, simpleRequest))
	if err != nil {
		t.Fatal(err)
	}
	got, err := drain(t, s)
	if len(got) != 3 { // role, "a", "b"
		t.Errorf("got %d chunks before the error, want 3", len(got))
	}
	if k := kindOf(t, err); k != providers.KindNetwork || !strings.Contains(err.Error(), "stream ended early") {
		t.Errorf("err = %v (kind %v), want network 'stream ended early'", err, k)
	}
	if _, again := s.Next(); again != err {
		t.Errorf("error is not sticky: %v", again)
	}
}

func TestStreamErrorEvent(t *testing.T) {
	p, _ := newTestProvider(t, fakeupstream.GeminiOptions{Chunks: []string{"a", "b"},
		StreamError: &fakeupstream.GeminiError{Code: 429, Status: "RESOURCE_EXHAUSTED", Message: "Resource has been exhausted (e.g. check quota)."}})
	s, err := p.ChatStream(context.Background(), target, chatRequest(t, simpleRequest))
	if err != nil {
		t.Fatal(err)
	}
	got, err := drain(t, s)
	if len(got) != 2 {
		t.Errorf("got %d chunks before the error, want 2", len(got))
	}
	var e *providers.Error
	if !errors.As(err, &e) || e.Kind != providers.KindRateLimited || e.Provider != "google" || e.Message != "Resource has been exhausted (e.g. check quota)." {
		t.Errorf("err = %#v", err)
	}
}

func TestStreamStartError(t *testing.T) {
	p, _ := newTestProvider(t, fakeupstream.GeminiOptions{Fail: &fakeupstream.GeminiError{Code: 503, Status: "UNAVAILABLE", Message: "The model is overloaded. Please try again later."}})
	s, err := p.ChatStream(context.Background(), target, chatRequest(t, simpleRequest))
	if s != nil || kindOf(t, err) != providers.KindOverloaded {
		t.Errorf("ChatStream = %v, %v; want nil and an overloaded error", s, err)
	}
}

func TestStreamCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p, _ := newTestProvider(t, fakeupstream.GeminiOptions{Chunks: []string{"a", "b"}, StallAfter: 1})
	s, err := p.ChatStream(ctx, target, chatRequest(t, simpleRequest))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := 0; i < 2; i++ { // role, "a"; the fake then holds the stream
		if _, err := s.Next(); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	_, err = s.Next()
	if k := kindOf(t, err); k != providers.KindCanceled {
		t.Errorf("kind = %v (%v), want canceled", k, err)
	}
}

func TestStreamCloseUnblocksNext(t *testing.T) {
	p, _ := newTestProvider(t, fakeupstream.GeminiOptions{Chunks: []string{"a", "b"}, StallAfter: 1})
	s, err := p.ChatStream(context.Background(), target, chatRequest(t, simpleRequest))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if _, err := s.Next(); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan error)
	go func() {
		_, err := s.Next()
		done <- err
	}()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err == nil || errors.Is(err, io.EOF) {
		t.Errorf("Next after Close = %v, want an error", err)
	}
	_ = s.Close() // twice is fine
}

// TestStreamConverter covers event shapes the fake does not produce.
func TestStreamConverter(t *testing.T) {
	c := newStreamConverter("m", 0)
	events := []string{
		`{"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","args":{}}}]},"index":1}],"responseId":"r"}`,
		`{"candidates":[{"content":{"parts":[{"text":""}]},"finishReason":"STOP","index":1}],"usageMetadata":{"promptTokenCount":1,"candidatesTokenCount":1,"totalTokenCount":2}}`,
		`{"candidates":[{"content":{"parts":[{"text":"late"}]},"finishReason":"STOP","index":1}]}`,
	}
	var got []string
	for _, ev := range events {
		chunks, err := c.feed([]byte(ev))
		if err != nil {
			t.Fatal(err)
		}
		for _, ch := range chunks {
			got = append(got, string(mustMarshal(t, ch)))
		}
	}
	id := syntheticCallID("r", 1, 0, "f", []byte(`{}`))
	want := []string{
		`{"id":"r","object":"chat.completion.chunk","created":0,"model":"m","choices":[{"index":1,"delta":{"role":"assistant","content":""},"finish_reason":null}]}`,
		`{"id":"r","object":"chat.completion.chunk","created":0,"model":"m","choices":[{"index":1,"delta":{"tool_calls":[{"index":0,"id":"` + id + `","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":null}]}`,
		`{"id":"r","object":"chat.completion.chunk","created":0,"model":"m","choices":[{"index":1,"delta":{},"finish_reason":"tool_calls"}]}`,
		`{"id":"r","object":"chat.completion.chunk","created":0,"model":"m","choices":[{"index":1,"delta":{"content":"late"},"finish_reason":null}]}`,
	}
	assertChunks(t, got, want)
	if _, err := c.feed([]byte(`{"candidates":`)); kindOf(t, err) != providers.KindUpstream {
		t.Error("invalid JSON event not an upstream error")
	}
	if _, err := c.feed([]byte(`{"error":{"code":500,"message":"boom","status":"INTERNAL"}}`)); kindOf(t, err) != providers.KindUpstream {
		t.Error("error event not classified")
	}
	if _, err := newStreamConverter("m", 0).end(); kindOf(t, err) != providers.KindNetwork {
		t.Error("empty stream not an early end")
	}
}

func TestStreamNotSSE(t *testing.T) {
	// A body that is not SSE (e.g. a proxy answering HTML with 200) has no
	// events: the error says what it was rather than "ended early".
	s := &chatStream{body: http.NoBody, events: providers.NewSSEReader(strings.NewReader("<html></html>")), conv: newStreamConverter("m", 0), provider: "google"}
	_, err := s.Next()
	if kindOf(t, err) != providers.KindUpstream || !strings.Contains(err.Error(), "<html></html>") {
		t.Errorf("err = %v", err)
	}
}
