package google

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

func TestChatWire(t *testing.T) {
	p, rec := newTestProvider(t, fakeupstream.GeminiOptions{Text: "Bonjour", ModelVersion: "gemini-2.5-flash-001", ResponseID: "resp-42",
		Usage: fakeupstream.GeminiUsage{Prompt: 8, Candidates: 2}})
	p.Headers = map[string]string{"X-Goog-User-Project": "proj"}
	if err := p.Provision(caddy.Context{}); err != nil {
		t.Fatal(err)
	}
	req := chatRequest(t, string(readTestdata(t, "request_agent.openai.json")))
	resp, err := p.Chat(context.Background(), target, req)
	if err != nil {
		t.Fatal(err)
	}
	got := rec.Last()
	if got.Method != http.MethodPost || got.Path != "/v1beta/models/gemini-2.5-flash:generateContent" {
		t.Errorf("request line = %s %s", got.Method, got.Path)
	}
	if k := got.Header.Get("x-goog-api-key"); k != testKey {
		t.Errorf("x-goog-api-key = %q", k)
	}
	if ct := got.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	if got.Header.Get("Authorization") != "" || strings.Contains(got.Path, "key=") {
		t.Error("the key must travel only in x-goog-api-key")
	}
	if h := got.Header.Get("X-Goog-User-Project"); h != "proj" {
		t.Errorf("extra header = %q", h)
	}
	want, err := toGemini(req, nil)
	if err != nil {
		t.Fatal(err)
	}
	if wantBody := mustMarshal(t, want); string(got.Body) != string(wantBody) {
		t.Errorf("body\n got: %s\nwant: %s", got.Body, wantBody)
	}
	assertJSONEq(t, mustMarshal(t, resp), []byte(`{"id":"resp-42","object":"chat.completion","created":`+itoa64(resp.Created)+`,"model":"gemini-2.5-flash-001",
		"choices":[{"index":0,"message":{"role":"assistant","content":"Bonjour"},"finish_reason":"stop","logprobs":null}],
		"usage":{"prompt_tokens":8,"completion_tokens":2,"total_tokens":10,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}`))
}

func itoa64(n int64) string { b, _ := json.Marshal(n); return string(b) }

// TestThoughtSignatureRoundTrip: the signature Gemini put on a call comes
// back on the same part of the next request, via the tool-call id alone.
func TestThoughtSignatureRoundTrip(t *testing.T) {
	const sig = "CiQBjz1rX4Zr0m8yqS6vW5dHk3+/e1TQ0aYQ9p2L3c7Q8d9e0fA="
	p, rec := newTestProvider(t, fakeupstream.GeminiOptions{FunctionCalls: []fakeupstream.GeminiFunctionCall{
		{Name: "get_weather", Args: `{"city":"Paris"}`, ThoughtSignature: sig},
		{Name: "get_weather", Args: `{"city":"Oslo"}`},
	}})
	first, err := p.Chat(context.Background(), target, chatRequest(t, `{"messages":[{"role":"user","content":"Weather in Paris and Oslo?"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	msg := first.Choices[0].Message
	if first.Choices[0].FinishReason != "tool_calls" || len(msg.ToolCalls) != 2 {
		t.Fatalf("first answer = %+v", first.Choices[0])
	}
	// The client sends the assistant message back as it got it, plus results.
	history := map[string]any{"messages": []any{
		map[string]any{"role": "user", "content": "Weather in Paris and Oslo?"},
		msg,
		map[string]any{"role": "tool", "tool_call_id": msg.ToolCalls[0].ID, "content": "21C"},
		map[string]any{"role": "tool", "tool_call_id": msg.ToolCalls[1].ID, "content": "3C"},
	}}
	if _, err := p.Chat(context.Background(), target, chatRequest(t, string(mustMarshal(t, history)))); err != nil {
		t.Fatal(err)
	}
	var sent generateRequest
	if err := json.Unmarshal(rec.Last().Body, &sent); err != nil {
		t.Fatal(err)
	}
	model := sent.Contents[1]
	if model.Role != "model" || len(model.Parts) != 2 {
		t.Fatalf("model turn = %+v", model)
	}
	if s := model.Parts[0].ThoughtSignature; s != sig {
		t.Errorf("first call's signature = %q, want %q", s, sig)
	}
	if s := model.Parts[1].ThoughtSignature; s != "" {
		t.Errorf("second call got signature %q; Gemini gave it none", s)
	}
	results := sent.Contents[2]
	if results.Role != "user" || len(results.Parts) != 2 || results.Parts[0].FunctionResponse.Name != "get_weather" ||
		string(results.Parts[1].FunctionResponse.Response) != `{"result":"3C"}` {
		t.Errorf("results turn = %s", mustMarshal(t, results))
	}
	if model.Parts[0].FunctionCall.ID != "" || results.Parts[0].FunctionResponse.ID != "" {
		t.Error("synthesized ids must not be sent to Gemini")
	}
}

func TestChatErrors(t *testing.T) {
	retryInfo := map[string]any{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "13s"}
	tests := []struct {
		name       string
		opts       fakeupstream.GeminiOptions
		key        string
		wantKind   providers.Kind
		wantStatus int
		wantRetry  time.Duration
	}{
		{name: "bad key", key: "wrong", wantKind: providers.KindAuth, wantStatus: 401},
		{name: "no key", key: "-", wantKind: providers.KindPermission, wantStatus: 403},
		{name: "rate limited", opts: fakeupstream.GeminiOptions{Fail: &fakeupstream.GeminiError{Code: 429, Status: "RESOURCE_EXHAUSTED", Message: "quota", Details: []any{retryInfo}}},
			wantKind: providers.KindRateLimited, wantStatus: 429, wantRetry: 13 * time.Second},
		{name: "retry-after header wins", opts: fakeupstream.GeminiOptions{Fail: &fakeupstream.GeminiError{Code: 429, Status: "RESOURCE_EXHAUSTED", Message: "quota",
			Details: []any{retryInfo}, Header: http.Header{"Retry-After": {"2"}}}}, wantKind: providers.KindRateLimited, wantStatus: 429, wantRetry: 2 * time.Second},
		{name: "unknown model", opts: fakeupstream.GeminiOptions{Fail: &fakeupstream.GeminiError{Code: 404, Status: "NOT_FOUND", Message: "models/x is not found for API version v1beta"}},
			wantKind: providers.KindNotFound, wantStatus: 404},
		{name: "html 502", opts: fakeupstream.GeminiOptions{Fail: &fakeupstream.GeminiError{Code: 502, Body: "<html>bad gateway</html>"}},
			wantKind: providers.KindUpstream, wantStatus: 502},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := newTestProvider(t, tt.opts)
			tg := target
			switch tt.key {
			case "-":
				tg.APIKey = ""
			case "":
			default:
				tg.APIKey = tt.key
			}
			_, err := p.Chat(context.Background(), tg, chatRequest(t, simpleRequest))
			e, ok := err.(*providers.Error)
			if !ok {
				t.Fatalf("err = %v", err)
			}
			if e.Kind != tt.wantKind || e.HTTPStatus() != tt.wantStatus || e.RetryAfter != tt.wantRetry || e.Provider != "google" {
				t.Errorf("got kind %v status %d retry %v provider %q; want %v %d %v", e.Kind, e.HTTPStatus(), e.RetryAfter, e.Provider, tt.wantKind, tt.wantStatus, tt.wantRetry)
			}
			if strings.Contains(e.Error(), "wrong") || strings.Contains(e.Error(), testKey) {
				t.Errorf("error leaks the key: %v", e)
			}
		})
	}
}

// TestFakeRejectsBadBodies guards the fake itself: it must catch the
// mistakes a translator can make, or the wire tests prove little.
func TestFakeRejectsBadBodies(t *testing.T) {
	srv, _ := fakeupstream.NewGemini(fakeupstream.GeminiOptions{})
	defer srv.Close()
	bodies := []string{
		`{"contents":[]}`,
		`{"contents":[{"role":"assistant","parts":[{"text":"x"}]}]}`,
		`{"contents":[{"role":"user","parts":[]}]}`,
		`{"contents":[{"role":"user","parts":[{}]}]}`,
		`{"contents":[{"role":"user","parts":[{"text":"x"}]}],"tools":[{"functionDeclarations":[{"name":"f","parameters":{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}}]}]}`,
		`{"contents":[{"role":"user","parts":[{"text":"x"}]}],"tools":[{"functionDeclarations":[{"name":"f","parameters":{"type":"object","properties":{}}}]}]}`,
		`{"contents":[{"role":"user","parts":[{"functionResponse":{"name":"f","response":"x"}}]}]}`,
		`{"contents":[{"role":"user","parts":[{"text":"x"}]}],"generationConfig":{"max_tokens":5}}`,
	}
	for _, b := range bodies {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1beta/models/m:generateContent", strings.NewReader(b))
		req.Header.Set("x-goog-api-key", "k")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 400 {
			t.Errorf("fake accepted %s", b)
		}
	}
}

func TestChatCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p, _ := newTestProvider(t, fakeupstream.GeminiOptions{Delay: time.Hour, OnRequest: func(*http.Request) { cancel() }})
	_, err := p.Chat(ctx, target, chatRequest(t, simpleRequest))
	if k := kindOf(t, err); k != providers.KindCanceled {
		t.Errorf("kind = %v (%v), want canceled", k, err)
	}
}

func TestChatDeadline(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	p, _ := newTestProvider(t, fakeupstream.GeminiOptions{Delay: time.Hour})
	_, err := p.Chat(ctx, target, chatRequest(t, simpleRequest))
	if k := kindOf(t, err); k != providers.KindTimeout {
		t.Errorf("kind = %v (%v), want timeout", k, err)
	}
}

func TestChatInvalidRequestMakesNoCall(t *testing.T) {
	p, rec := newTestProvider(t, fakeupstream.GeminiOptions{})
	_, err := p.Chat(context.Background(), target, chatRequest(t, `{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"http://x/a.png"}}]}]}`))
	var e *providers.Error
	if !asError(err, &e) || e.Kind != providers.KindInvalidRequest || e.Provider != "google" || e.HTTPStatus() != 400 {
		t.Errorf("err = %#v", err)
	}
	if rec.Count() != 0 {
		t.Error("an invalid request reached the upstream")
	}
}

func TestMethodURL(t *testing.T) {
	p := &Provider{Config: providers.Config{BaseURL: "https://g/v1beta"}}
	tests := map[string]string{
		"gemini-2.5-flash":        "https://g/v1beta/models/gemini-2.5-flash:generateContent",
		"models/gemini-2.5-flash": "https://g/v1beta/models/gemini-2.5-flash:generateContent",
		"tunedModels/my-model":    "https://g/v1beta/tunedModels/my-model:generateContent",
		"x?key=1#y":               "https://g/v1beta/models/x%3Fkey=1%23y:generateContent",
	}
	for model, want := range tests {
		if got, err := p.methodURL(model, "generateContent"); err != nil || got != want {
			t.Errorf("methodURL(%q) = %q, %v, want %q", model, got, err, want)
		}
	}
}

func asError(err error, target **providers.Error) bool {
	e, ok := err.(*providers.Error)
	*target = e
	return ok
}
