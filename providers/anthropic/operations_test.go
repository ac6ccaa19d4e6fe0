package anthropic

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/internal/providertest"
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
	for c := range providertest.Chunks(t, st) {
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
