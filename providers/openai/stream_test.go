package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

const streamReq = `{"model":"gpt-4o","messages":[{"role":"user","content":"one two"}],"stream":true,"x_unknown":true}`

// drain reads a stream to its end, returning the chunks and the final error.
func drain(t *testing.T, s providers.ChatStream) ([]*providers.ChatChunk, [][]byte, error) {
	t.Helper()
	var chunks []*providers.ChatChunk
	var raws [][]byte
	for {
		c, err := s.Next()
		if err != nil {
			return chunks, raws, err
		}
		chunks = append(chunks, keepChunk(c))
		raws = append(raws, bytes.Clone(c.Raw))
	}
}

// keepChunk copies what the stream reuses at its next call: the chunk,
// its choices and the strings they point to.
func keepChunk(c *providers.ChatChunk) *providers.ChatChunk {
	kept := *c
	kept.Choices = slices.Clone(c.Choices)
	for i := range kept.Choices {
		ch := &kept.Choices[i]
		ch.Delta.Content, ch.Delta.Refusal, ch.FinishReason = clonePtr(ch.Delta.Content), clonePtr(ch.Delta.Refusal), clonePtr(ch.FinishReason)
	}
	return &kept
}

func clonePtr(p *string) *string {
	if p == nil {
		return nil
	}
	s := *p
	return &s
}

func TestStreamChunks(t *testing.T) {
	srv, rec := fake(t, fakeupstream.OpenAIConfig{})
	p := newOpenAI(t, srv)
	req := chatRequest(t, streamReq)
	s, err := p.ChatStream(context.Background(), target, req)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	chunks, raws, err := drain(t, s)
	if err != io.EOF {
		t.Fatalf("stream ended with %v", err)
	}
	if _, err := s.Next(); err != io.EOF {
		t.Errorf("Next after the end = %v, want io.EOF again", err)
	}

	// The client did not ask for usage; the gateway asked anyway.
	if want := `{"model":"gpt-4o","messages":[{"role":"user","content":"one two"}],"stream":true,"x_unknown":true,"stream_options":{"include_usage":true}}`; string(rec.Last().Body) != want {
		t.Errorf("sent %s", rec.Last().Body)
	}
	if req.IncludeUsage() {
		t.Error("the request should still say the client did not ask for usage")
	}

	// role, "Echo:", " one", " two", finish, usage.
	if len(chunks) != 6 {
		t.Fatalf("got %d chunks", len(chunks))
	}
	var text strings.Builder
	for i, c := range chunks {
		if c.Object != "chat.completion.chunk" || !strings.HasPrefix(c.ID, "chatcmpl-") {
			t.Errorf("chunk %d envelope = %+v", i, c)
		}
		if !json.Valid(raws[i]) || !bytes.Contains(raws[i], []byte(`"id":"`+c.ID+`"`)) {
			t.Errorf("chunk %d Raw = %s", i, raws[i])
		}
		if len(c.Choices) > 0 && c.Choices[0].Delta.Content != nil {
			text.WriteString(*c.Choices[0].Delta.Content)
		}
	}
	if chunks[0].Choices[0].Delta.Role != "assistant" || text.String() != "Echo: one two" {
		t.Errorf("role %q, text %q", chunks[0].Choices[0].Delta.Role, text.String())
	}
	if fr := chunks[4].Choices[0].FinishReason; fr == nil || *fr != providers.FinishStop {
		t.Errorf("finish chunk = %+v", chunks[4].Choices[0])
	}
	last := chunks[5]
	if len(last.Choices) != 0 || last.Usage == nil || last.Usage.CompletionTokens != 3 || last.Usage.PromptTokensDetails == nil {
		t.Errorf("usage chunk = %+v", last)
	}
	for _, c := range chunks[:5] {
		if c.Usage != nil {
			t.Errorf("usage on a content chunk: %+v", c.Usage)
		}
	}
}

func TestStreamToolCalls(t *testing.T) {
	srv, _ := fake(t, fakeupstream.OpenAIConfig{ToolCalls: true})
	p := newOpenAI(t, srv)
	s, err := p.ChatStream(context.Background(), target, chatRequest(t,
		`{"model":"gpt-4o","messages":[{"role":"user","content":"Paris"}],"stream":true,"tools":[{"type":"function","function":{"name":"weather","parameters":{}}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	chunks, _, err := drain(t, s)
	if err != io.EOF {
		t.Fatal(err)
	}
	var args strings.Builder
	first := chunks[0].Choices[0].Delta.ToolCalls[0]
	if first.ID == "" || first.Function.Name != "weather" || first.Index == nil || *first.Index != 0 {
		t.Errorf("first tool delta = %+v", first)
	}
	for _, c := range chunks {
		for _, ch := range c.Choices {
			for _, tc := range ch.Delta.ToolCalls {
				args.WriteString(tc.Function.Arguments)
			}
		}
	}
	if args.String() != `{"input":"Paris"}` {
		t.Errorf("arguments = %s", args.String())
	}
}

func TestStreamTruncated(t *testing.T) {
	srv, _ := fake(t, fakeupstream.OpenAIConfig{TruncateAfter: 2})
	p := newOpenAI(t, srv)
	s, err := p.ChatStream(context.Background(), target, chatRequest(t, streamReq))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	chunks, _, err := drain(t, s)
	e := asError(t, err)
	if len(chunks) != 2 || e.Kind != providers.KindNetwork || !strings.Contains(e.Message, "ended early") {
		t.Errorf("%d chunks, err %+v", len(chunks), e)
	}
	if _, again := s.Next(); again != err {
		t.Errorf("error is not sticky: %v", again)
	}
}

func TestStreamErrorEvent(t *testing.T) {
	for _, c := range []struct {
		event *fakeupstream.OpenAIError
		kind  providers.Kind
	}{
		{fakeupstream.OpenAIErrorFor(500), providers.KindUpstream},
		{fakeupstream.OpenAIErrorFor(429), providers.KindRateLimited},
		{fakeupstream.OpenAIQuotaError(), providers.KindQuota},
		{fakeupstream.OpenAIErrorFor(400), providers.KindInvalidRequest},
	} {
		srv, _ := fake(t, fakeupstream.OpenAIConfig{StreamError: c.event, StreamErrorAfter: 1})
		p := newOpenAI(t, srv)
		s, err := p.ChatStream(context.Background(), target, chatRequest(t, streamReq))
		if err != nil {
			t.Fatal(err)
		}
		chunks, _, err := drain(t, s)
		s.Close()
		e := asError(t, err)
		if len(chunks) != 1 || e.Kind != c.kind || e.Message != c.event.Message || e.Code != c.event.Code {
			t.Errorf("%s: %d chunks, err %+v", c.event.Type, len(chunks), e)
		}
	}
}

// TestStreamStartError: a non-2xx answer comes back from ChatStream itself.
func TestStreamStartError(t *testing.T) {
	srv, _ := fake(t, fakeupstream.OpenAIConfig{Fail: fakeupstream.OpenAIErrorFor(503)})
	p := newOpenAI(t, srv)
	s, err := p.ChatStream(context.Background(), target, chatRequest(t, streamReq))
	if s != nil || asError(t, err).Kind != providers.KindOverloaded {
		t.Errorf("stream %v, err %v", s, err)
	}
}

// TestStreamCancel: cancelling the context aborts the upstream request
// mid-stream, and the upstream sees the connection go.
func TestStreamCancel(t *testing.T) {
	hold := make(chan struct{})
	defer close(hold)
	gone := make(chan struct{})
	srv, _ := fake(t, fakeupstream.OpenAIConfig{Hold: hold, HoldAfter: 1, ClientGone: func(*http.Request) { close(gone) }})
	p := newOpenAI(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := p.ChatStream(ctx, target, chatRequest(t, streamReq))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Next(); err != nil {
		t.Fatal(err)
	}
	cancel()
	_, err = s.Next()
	if e := asError(t, err); e.Kind != providers.KindCanceled {
		t.Errorf("after cancel: %+v", e)
	}
	<-gone
}

// TestStreamCancelBeforeHeaders: cancelling while waiting for the response
// headers returns from ChatStream.
func TestStreamCancelBeforeHeaders(t *testing.T) {
	hold := make(chan struct{})
	defer close(hold)
	gone := make(chan struct{})
	arrived := make(chan struct{})
	srv, _ := fake(t, fakeupstream.OpenAIConfig{Hold: hold, ClientGone: func(*http.Request) { close(gone) },
		OnRequest: func(*http.Request) { close(arrived) }})
	p := newOpenAI(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	req := chatRequest(t, streamReq)
	result := make(chan error, 1)
	go func() {
		_, err := p.ChatStream(ctx, target, req)
		result <- err
	}()
	<-arrived
	cancel()
	if e := asError(t, <-result); e.Kind != providers.KindCanceled {
		t.Errorf("err = %+v", e)
	}
	<-gone
}

// TestStreamCloseUnblocks: Close from another goroutine ends a blocked Next.
func TestStreamCloseUnblocks(t *testing.T) {
	hold := make(chan struct{})
	defer close(hold)
	srv, _ := fake(t, fakeupstream.OpenAIConfig{Hold: hold, HoldAfter: 1})
	p := newOpenAI(t, srv)
	s, err := p.ChatStream(context.Background(), target, chatRequest(t, streamReq))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Next(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := s.Next(); done <- err }()
	if err := s.Close(); err != nil {
		t.Error(err)
	}
	_ = s.Close() // twice is fine
	if err := <-done; err == nil || errors.Is(err, io.EOF) {
		t.Errorf("Next after Close = %v", err)
	}
}

// TestChunkParserCoverage: the fast parser takes OpenAI's text chunks and
// leaves the rest to encoding/json.
func TestChunkParserCoverage(t *testing.T) {
	var p chunkParser
	for _, data := range []string{
		`{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_eb9dce56a8","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"x1"}`,
		`{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_eb9dce56a8","choices":[{"index":0,"delta":{"content":" déjà"},"logprobs":null,"finish_reason":null}]}`,
		`{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}`,
		`{"id":"c","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0}}}`,
	} {
		if _, ok := p.parse([]byte(data)); !ok {
			t.Errorf("declined %s", data)
		}
	}
	// Escapes, as a model writes them in almost every answer.
	escaped := `{"id":"c\u0031","choices":[{"index":0,"delta":{"content":"line\nbreak \"q\" \ud83d\ude00"}}]}`
	if c, ok := p.parse([]byte(escaped)); !ok || c.ID != "c1" || *c.Choices[0].Delta.Content != "line\nbreak \"q\" \U0001F600" {
		t.Errorf("escaped chunk: ok=%v %+v", ok, c)
	}
	for _, data := range []string{
		`{"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{"}}]}}]}`,
		`{"id":"c","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2} `,
		`{"id":"c","choices":[],"usage":{"prompt_tokens":tru}}`,
		`{"error":{"message":"m"}}`,
		`{"id":"c","choices":[{"index":0,"delta":{"content":"x"},"content_filter_results":{}}]}`,
		`{"id":"c"} trailing`,
	} {
		if _, ok := p.parse([]byte(data)); ok {
			t.Errorf("accepted %s", data)
		}
	}
}

// TestStreamJSONAnswer: a 200 JSON body where events were expected is an
// error, with the message when the body carried one.
func TestStreamJSONAnswer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		if r.URL.Query().Has("err") {
			_, _ = w.Write([]byte(`{"error":{"message":"model is loading","type":"server_error","code":"503"}}`))
			return
		}
		_, _ = w.Write([]byte(`{"id":"chatcmpl-1","object":"chat.completion","choices":[]}`))
	}))
	t.Cleanup(srv.Close)
	_, err := newCompatible(t, srv, func(p *Provider) { p.Query = map[string]string{"err": "1"} }).ChatStream(context.Background(), target, chatRequest(t, streamReq))
	if e := asError(t, err); e.Kind != providers.KindOverloaded || e.Message != "model is loading" {
		t.Errorf("error body: %+v", e)
	}
	_, err = newCompatible(t, srv).ChatStream(context.Background(), target, chatRequest(t, streamReq))
	if e := asError(t, err); e.Kind != providers.KindUpstream {
		t.Errorf("completion body: %+v", e)
	}
}

// TestStreamFraming: comments, keep-alives, CRLF line ends, event names and
// multi-line data are read as SSE says.
func TestStreamFraming(t *testing.T) {
	body := ": keep-alive\r\n\r\n" +
		"event: message\r\ndata: {\"id\":\"a\",\"choices\":[{\"index\":0,\r\ndata: \"delta\":{\"content\":\"x\"}}]}\r\n\r\n" +
		": ping\n\n" +
		"data: [DONE]\n\n"
	s := newChunkStream(io.NopCloser(strings.NewReader(body)), &providers.Config{Name: "p"})
	c, err := s.Next()
	if err != nil || c.ID != "a" || *c.Choices[0].Delta.Content != "x" {
		t.Fatalf("chunk %+v, %v", c, err)
	}
	if _, err := s.Next(); err != io.EOF {
		t.Errorf("want io.EOF, got %v", err)
	}
}
