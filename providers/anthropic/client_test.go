package anthropic

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

const testKey = "sk-ant-test"

// newProvider provisions a provider against baseURL.
func newProvider(t *testing.T, baseURL string, edit func(*Provider)) *Provider {
	t.Helper()
	p := &Provider{Config: providers.Config{Name: "claude", BaseURL: baseURL, APIKeys: []providers.APIKey{{Value: testKey}}}}
	if edit != nil {
		edit(p)
	}
	ctx, cancel := caddy.NewContext(caddy.Context{Context: context.Background()})
	t.Cleanup(cancel)
	if err := p.Provision(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Cleanup() })
	return p
}

var target = providers.Target{Model: "claude-3-5-sonnet-20241022", APIKey: testKey}

// TestChatSendsExactBody checks headers, path and the exact translated
// body on the wire: system hoisted, tool results merged into one user turn,
// images, max_tokens default.
func TestChatSendsExactBody(t *testing.T) {
	srv, rec := fakeupstream.NewAnthropic(fakeupstream.AnthropicOptions{APIKey: testKey, CacheReadInputTokens: 30, CacheCreationInputTokens: 7})
	defer srv.Close()
	p := newProvider(t, srv.URL, func(p *Provider) { p.Beta = []string{"prompt-caching-2024-07-31", "x-beta"} })
	req := unified(t, `{"model":"smart","messages":[
		{"role":"system","content":"Be terse."},
		{"role":"user","content":[{"type":"text","text":"Which?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]},
		{"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}},{"id":"call_2","type":"function","function":{"name":"f","arguments":"{}"}}]},
		{"role":"tool","tool_call_id":"call_1","content":"one"},
		{"role":"tool","tool_call_id":"call_2","content":"two"}],
		"tools":[{"type":"function","function":{"name":"f"}}]}`)
	resp, err := p.Chat(context.Background(), target, req)
	if err != nil {
		t.Fatal(err)
	}
	got := rec.Last()
	if got.Method != http.MethodPost || got.Path != "/v1/messages" {
		t.Errorf("request %s %s", got.Method, got.Path)
	}
	for name, want := range map[string]string{
		"X-Api-Key": testKey, "Anthropic-Version": "2023-06-01", "Content-Type": "application/json",
		"Anthropic-Beta": "prompt-caching-2024-07-31,x-beta",
	} {
		if v := got.Header.Get(name); v != want {
			t.Errorf("header %s = %q, want %q", name, v, want)
		}
	}
	want := `{"model":"claude-3-5-sonnet-20241022","max_tokens":8192,"system":"Be terse.","messages":[` +
		`{"role":"user","content":[{"type":"text","text":"Which?"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}}]},` +
		`{"role":"assistant","content":[{"type":"tool_use","id":"call_1","name":"f","input":{"a":1}},{"type":"tool_use","id":"call_2","name":"f","input":{}}]},` +
		`{"role":"user","content":[{"type":"tool_result","tool_use_id":"call_1","content":"one"},{"type":"tool_result","tool_use_id":"call_2","content":"two"}]}],` +
		`"tools":[{"name":"f","input_schema":{"type":"object","properties":{}}}]}`
	if string(got.Body) != want {
		t.Errorf("body\n%s\nwant\n%s", got.Body, want)
	}
	if resp.Choices[0].Message.Content.String() != fakeupstream.DefaultAnthropicText || resp.Choices[0].FinishReason != "stop" {
		t.Errorf("response %+v", resp.Choices[0])
	}
	if u := resp.Usage; u.PromptTokens != 12+30+7 || u.CachedTokens() != 30 || u.CacheWriteTokens != 7 || u.CompletionTokens != 9 {
		t.Errorf("usage %+v", u)
	}
}

func TestBaseURLWithV1(t *testing.T) {
	srv, rec := fakeupstream.NewAnthropic(fakeupstream.AnthropicOptions{})
	defer srv.Close()
	p := newProvider(t, srv.URL+"/v1/", nil)
	if _, err := p.Chat(context.Background(), target, unified(t, `{"model":"m","messages":[{"role":"user","content":"x"}]}`)); err != nil {
		t.Fatal(err)
	}
	if rec.Last().Path != "/v1/messages" {
		t.Errorf("path %s", rec.Last().Path)
	}
	for base, want := range map[string]string{
		"https://api.anthropic.com":      "https://api.anthropic.com/v1/messages",
		"https://api.anthropic.com/":     "https://api.anthropic.com/v1/messages",
		"https://proxy.example/v1":       "https://proxy.example/v1/messages",
		"https://proxy.example/claude/":  "https://proxy.example/claude/v1/messages",
		"https://proxy.example/x/v1/":    "https://proxy.example/x/v1/messages",
		"http://127.0.0.1:8080/api/v1//": "http://127.0.0.1:8080/api/v1/messages",
	} {
		if got := MessagesURL(base); got != want {
			t.Errorf("MessagesURL(%q) = %q, want %q", base, got, want)
		}
	}
}

func TestChatStreamAgainstFake(t *testing.T) {
	srv, rec := fakeupstream.NewAnthropic(fakeupstream.AnthropicOptions{
		Thinking: "hmm", Text: "Sure, checking both.", InputTokens: 50, OutputTokens: 77, CacheReadInputTokens: 1000,
		ToolUses: []fakeupstream.AnthropicToolUse{
			{ID: "toolu_A", Name: "weather", Input: `{"city":"Zürich","days":[1,2,3],"note":"say \"hi\""}`},
			{ID: "toolu_B", Name: "clock"},
		},
	})
	defer srv.Close()
	p := newProvider(t, srv.URL, nil)
	st, err := p.ChatStream(context.Background(), target, unified(t, `{"model":"m","messages":[{"role":"user","content":"x"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if !strings.Contains(string(rec.Last().Body), `"stream":true`) {
		t.Errorf("stream not requested: %s", rec.Last().Body)
	}
	var text string
	args := map[int]string{}
	ids := map[int]string{}
	var finishes []string
	var usage *providers.Usage
	var n int
	for {
		c, err := st.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 && c.Choices[0].Delta.Role != "assistant" {
			t.Errorf("first chunk has no role: %+v", c)
		}
		if c.ID != "msg_fake000001" || c.Model != target.Model {
			t.Errorf("chunk envelope %s %s", c.ID, c.Model)
		}
		n++
		if c.Usage != nil {
			usage = c.Usage
		}
		for _, ch := range c.Choices {
			if ch.Delta.Content != nil {
				text += *ch.Delta.Content
			}
			for _, tc := range ch.Delta.ToolCalls {
				args[*tc.Index] += tc.Function.Arguments
				if tc.ID != "" {
					ids[*tc.Index] = tc.ID
				}
			}
			if ch.FinishReason != nil {
				finishes = append(finishes, *ch.FinishReason)
			}
		}
	}
	if text != "Sure, checking both." {
		t.Errorf("text %q", text)
	}
	if args[0] != `{"city":"Zürich","days":[1,2,3],"note":"say \"hi\""}` || args[1] != "{}" || ids[0] != "toolu_A" || ids[1] != "toolu_B" {
		t.Errorf("tool calls %v %v", ids, args)
	}
	if strings.Join(finishes, ",") != "tool_calls" {
		t.Errorf("finish reasons %v", finishes)
	}
	if usage == nil || usage.PromptTokens != 1050 || usage.CompletionTokens != 77 || usage.CachedTokens() != 1000 {
		t.Errorf("usage %+v", usage)
	}
	if _, err := st.Next(); err != io.EOF {
		t.Errorf("Next after the end = %v", err)
	}
}

func TestHTTPErrorClassification(t *testing.T) {
	retry := http.Header{"Retry-After": {"7"}}
	tests := []struct {
		name      string
		opts      fakeupstream.AnthropicOptions
		kind      providers.Kind
		status    int // for the client
		retryable bool
		after     time.Duration
	}{
		{"429 rate limit with retry-after", fakeupstream.AnthropicOptions{Status: 429, Header: retry}, providers.KindRateLimited, 429, true, 7 * time.Second},
		{"529 overloaded", fakeupstream.AnthropicOptions{Status: 529, Header: retry}, providers.KindOverloaded, 503, true, 7 * time.Second},
		{"401 bad key", fakeupstream.AnthropicOptions{APIKey: "other"}, providers.KindAuth, 401, false, 0},
		{"403 permission", fakeupstream.AnthropicOptions{Status: 403}, providers.KindPermission, 403, false, 0},
		{"400 invalid", fakeupstream.AnthropicOptions{Status: 400, ErrorMessage: "messages.0: bad"}, providers.KindInvalidRequest, 400, false, 0},
		{"404 model", fakeupstream.AnthropicOptions{Status: 404, ErrorMessage: "model: nope"}, providers.KindNotFound, 404, false, 0},
		{"413 too large", fakeupstream.AnthropicOptions{Status: 413}, providers.KindInvalidRequest, 413, false, 0},
		{"500 api error", fakeupstream.AnthropicOptions{Status: 500}, providers.KindUpstream, 502, true, 0},
		{"402 billing", fakeupstream.AnthropicOptions{Status: 402}, providers.KindQuota, 429, false, 0},
		{"503 overloaded body", fakeupstream.AnthropicOptions{Status: 503, ErrorType: "overloaded_error"}, providers.KindOverloaded, 503, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := fakeupstream.NewAnthropic(tt.opts)
			defer srv.Close()
			p := newProvider(t, srv.URL, nil)
			req := unified(t, `{"model":"m","messages":[{"role":"user","content":"x"}]}`)
			for _, call := range []func() error{
				func() error { _, err := p.Chat(context.Background(), target, req); return err },
				func() error { _, err := p.ChatStream(context.Background(), target, req); return err },
			} {
				var e *providers.Error
				if err := call(); !errors.As(err, &e) {
					t.Fatalf("error %v", err)
				}
				if e.Kind != tt.kind || e.HTTPStatus() != tt.status || e.Retryable() != tt.retryable || e.RetryAfter != tt.after {
					t.Errorf("got kind %v status %d retryable %v after %v (%v)", e.Kind, e.HTTPStatus(), e.Retryable(), e.RetryAfter, e)
				}
				if e.Provider != "claude" || e.Message == "" || strings.Contains(e.Error(), testKey) {
					t.Errorf("provider %q message %q", e.Provider, e.Message)
				}
			}
		})
	}
}

func TestUpstreamErrorBodies(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		kind    providers.Kind
		status2 int
		code    string
	}{
		{"spend limit 429 is quota", 429, `{"type":"error","error":{"type":"rate_limit_error","message":"spend","details":{"error_code":"enforced_spend_limit_reached"}}}`, providers.KindQuota, 429, "enforced_spend_limit_reached"},
		{"html from a proxy", 502, `<html>bad gateway</html>`, providers.KindUpstream, 502, ""},
		{"empty body 400", 400, ``, providers.KindInvalidRequest, 400, ""},
		{"request_too_large body", 413, `{"type":"error","error":{"type":"request_too_large","message":"Request exceeds the maximum size"}}`, providers.KindInvalidRequest, 413, "request_too_large"},
		{"timeout 504", 504, `{"type":"error","error":{"type":"timeout_error","message":"slow"}}`, providers.KindTimeout, 504, "timeout_error"},
		{"not found body", 404, `{"type":"error","error":{"type":"not_found_error","message":"model: claude-x"},"request_id":"req_1"}`, providers.KindNotFound, 404, "not_found_error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := upstreamError("claude", tt.status, http.Header{}, []byte(tt.body))
			if e.Kind != tt.kind || e.HTTPStatus() != tt.status2 || e.Code != tt.code || e.Upstream != tt.status {
				t.Errorf("kind %v status %d code %q upstream %d", e.Kind, e.HTTPStatus(), e.Code, e.Upstream)
			}
		})
	}
	e := upstreamError("claude", 404, http.Header{}, []byte(`{"type":"error","error":{"type":"not_found_error","message":"m"},"request_id":"req_1"}`))
	if e.Err == nil || !strings.Contains(e.Err.Error(), "req_1") {
		t.Errorf("request id not kept for logs: %v", e.Err)
	}
}

func TestStreamFailures(t *testing.T) {
	req := unified(t, `{"model":"m","messages":[{"role":"user","content":"x"}]}`)
	tests := []struct {
		name string
		opts fakeupstream.AnthropicOptions
		kind providers.Kind
		msg  string
	}{
		{"mid-stream overloaded", fakeupstream.AnthropicOptions{StreamErrorAfter: 4}, providers.KindOverloaded, "Overloaded"},
		{"mid-stream api error", fakeupstream.AnthropicOptions{StreamErrorAfter: 2, StreamErrorType: "api_error"}, providers.KindUpstream, ""},
		{"truncated body", fakeupstream.AnthropicOptions{TruncateAfter: 5}, providers.KindNetwork, "stream ended early"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := fakeupstream.NewAnthropic(tt.opts)
			defer srv.Close()
			p := newProvider(t, srv.URL, nil)
			st, err := p.ChatStream(context.Background(), target, req)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			var got error
			chunks := 0
			for got == nil {
				_, got = st.Next()
				chunks++
			}
			if chunks < 2 {
				t.Errorf("failure came before any chunk")
			}
			var e *providers.Error
			if !errors.As(got, &e) || e.Kind != tt.kind || !strings.Contains(e.Message, tt.msg) || e.Provider != "claude" {
				t.Fatalf("got %v", got)
			}
			if _, again := st.Next(); again != got {
				t.Errorf("error is not sticky: %v", again)
			}
		})
	}
}

// blockingServer answers once it has the request, then waits for the
// client to go away; arrived and gone report both moments.
func blockingServer(t *testing.T, before func(w http.ResponseWriter)) (srv *httptest.Server, arrived, gone chan struct{}) {
	arrived, gone = make(chan struct{}), make(chan struct{})
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // lets the server notice the client leaving
		if before != nil {
			before(w)
		}
		close(arrived)
		<-r.Context().Done()
		close(gone)
	}))
	t.Cleanup(srv.Close)
	return srv, arrived, gone
}

func TestCancelAbortsUpstream(t *testing.T) {
	req := unified(t, `{"model":"m","messages":[{"role":"user","content":"x"}]}`)
	srv, arrived, gone := blockingServer(t, nil)
	p := newProvider(t, srv.URL, nil)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-arrived; cancel() }()
	_, err := p.Chat(ctx, target, req)
	if k := asKind(t, err); k != providers.KindCanceled {
		t.Errorf("kind %v (%v)", k, err)
	}
	<-gone // the upstream saw the cancellation

	// Mid-stream: the client leaves while Next waits for an event.
	srv, arrived, gone = blockingServer(t, func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = io.WriteString(w, "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"m\"}}\n\n")
		w.(http.Flusher).Flush()
	})
	p = newProvider(t, srv.URL, nil)
	ctx, cancel = context.WithCancel(context.Background())
	st, err := p.ChatStream(ctx, target, req)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Next(); err != nil {
		t.Fatal(err)
	}
	<-arrived
	cancel()
	_, err = st.Next()
	if k := asKind(t, err); k != providers.KindCanceled {
		t.Errorf("stream kind %v (%v)", k, err)
	}
	<-gone
}

func TestTimeouts(t *testing.T) {
	req := unified(t, `{"model":"m","messages":[{"role":"user","content":"x"}]}`)
	short := func(p *Provider) { p.Timeout = caddy.Duration(30 * time.Millisecond) }

	srv, _, gone := blockingServer(t, nil)
	p := newProvider(t, srv.URL, short)
	_, err := p.Chat(context.Background(), target, req)
	if k := asKind(t, err); k != providers.KindTimeout {
		t.Errorf("headers timeout: kind %v (%v)", k, err)
	}
	<-gone

	// Between events: the stream started, then the upstream went silent.
	srv, _, gone = blockingServer(t, func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = io.WriteString(w, "event: ping\ndata: {\"type\":\"ping\"}\n\n")
		w.(http.Flusher).Flush()
	})
	p = newProvider(t, srv.URL, short)
	st, err := p.ChatStream(context.Background(), target, req)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, err = st.Next()
	if k := asKind(t, err); k != providers.KindTimeout {
		t.Errorf("idle timeout: kind %v (%v)", k, err)
	}
	<-gone
}

func TestBadRequestNeverReachesUpstream(t *testing.T) {
	srv, rec := fakeupstream.NewAnthropic(fakeupstream.AnthropicOptions{})
	defer srv.Close()
	p := newProvider(t, srv.URL, nil)
	_, err := p.Chat(context.Background(), target, unified(t, `{"model":"m","n":3,"messages":[{"role":"user","content":"x"}]}`))
	var e *providers.Error
	if !errors.As(err, &e) || e.Kind != providers.KindUnsupported || e.Provider != "claude" {
		t.Errorf("got %v", err)
	}
	if rec.Count() != 0 {
		t.Error("an untranslatable request was sent")
	}
}

func TestUnsupportedOperations(t *testing.T) {
	p := newProvider(t, "http://127.0.0.1:1", nil)
	_, err := p.Embeddings(context.Background(), target, &providers.EmbeddingRequest{})
	var e *providers.Error
	if !errors.As(err, &e) || e.Kind != providers.KindUnsupported || e.HTTPStatus() != 400 || !strings.Contains(e.Error(), "embeddings") {
		t.Errorf("embeddings: %v", err)
	}
	_, err = p.Images(context.Background(), target, &providers.ImageRequest{})
	if !errors.As(err, &e) || e.Kind != providers.KindUnsupported || !strings.Contains(e.Error(), "image generation") {
		t.Errorf("images: %v", err)
	}
}

func TestConnectionRefused(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	p := newProvider(t, url, nil)
	_, err := p.Chat(context.Background(), target, unified(t, `{"model":"m","messages":[{"role":"user","content":"x"}]}`))
	if k := asKind(t, err); k != providers.KindNetwork {
		t.Errorf("kind %v (%v)", k, err)
	}
}
