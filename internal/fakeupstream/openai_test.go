package fakeupstream

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/openai/openai-go/v3"

	"github.com/sira-ai/caddy-ai-backends/internal/sdktest"
)

// sdkClient is the official Go SDK pointed at the fake, without retries.
func sdkClient(srv *httptest.Server, key string) *openai.Client {
	c := sdktest.OpenAIClient(srv.URL+"/v1", key)
	return &c
}

func userParams(model, text string) openai.ChatCompletionNewParams {
	return openai.ChatCompletionNewParams{
		Model:    model,
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage(text)},
	}
}

func TestOpenAIChatWithSDK(t *testing.T) {
	srv, rec := NewOpenAI(t, OpenAIConfig{APIKey: "sk-test", CachedTokens: 2, ReasoningTokens: 3})
	got, err := sdkClient(srv, "sk-test").Chat.Completions.New(context.Background(), userParams("gpt-4o", "hello there"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got.ID, "chatcmpl-") || got.Object != "chat.completion" || got.Model != "gpt-4o" || got.SystemFingerprint == "" {
		t.Errorf("envelope = %q %q %q %q", got.ID, got.Object, got.Model, got.SystemFingerprint)
	}
	c := got.Choices[0]
	if c.Message.Content != "Echo: hello there" || c.FinishReason != "stop" || c.Message.Role != "assistant" {
		t.Errorf("choice = %+v", c)
	}
	u := got.Usage
	if u.CompletionTokens != 3+3 || u.PromptTokensDetails.CachedTokens != 2 || u.CompletionTokensDetails.ReasoningTokens != 3 ||
		u.TotalTokens != u.PromptTokens+u.CompletionTokens {
		t.Errorf("usage = %+v", u)
	}
	last := rec.Last()
	if last.Path != "/v1/chat/completions" || last.Header.Get("Authorization") != "Bearer sk-test" {
		t.Errorf("recorded %s %v", last.Path, last.Header)
	}
	for _, field := range []string{`"refusal": null`, `"logprobs": null`, `"annotations": []`, `"service_tier": "default"`, `"audio_tokens": 0`} {
		if !strings.Contains(got.RawJSON(), field) {
			t.Errorf("body lacks %s:\n%s", field, got.RawJSON())
		}
	}
}

func TestOpenAIStreamWithSDK(t *testing.T) {
	srv, _ := NewOpenAI(t, OpenAIConfig{})
	params := userParams("gpt-4o-mini", "one two three")
	params.StreamOptions = openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)}
	acc, _ := sdktest.AccumulateChat(t, sdkClient(srv, "k").Chat.Completions.NewStreaming(context.Background(), params))
	if acc.Choices[0].Message.Content != "Echo: one two three" || acc.Choices[0].FinishReason != "stop" {
		t.Errorf("accumulated %+v", acc.Choices[0])
	}
	if acc.Usage.CompletionTokens != 4 || acc.Usage.TotalTokens == 0 {
		t.Errorf("usage = %+v", acc.Usage)
	}
}

// rawStream posts body and returns the data lines of the SSE answer.
func rawStream(t *testing.T, srv *httptest.Server, body string) []string {
	t.Helper()
	resp, err := http.Post(srv.URL+"/v1/chat/completions", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("content type %q", ct)
	}
	var data []string
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if line, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			data = append(data, line)
		} else if sc.Text() != "" {
			t.Errorf("unexpected line %q", sc.Text())
		}
	}
	return data
}

func TestOpenAIStreamWireFormat(t *testing.T) {
	srv, _ := NewOpenAI(t, OpenAIConfig{Reply: "Hi there"})
	const req = `{"model":"gpt-4o","messages":[{"role":"user","content":"x"}],"stream":true%s}`

	events := rawStream(t, srv, strings.Replace(req, "%s", `,"stream_options":{"include_usage":true}`, 1))
	want := []string{`"delta":{"role":"assistant","content":"","refusal":null}`, `"delta":{"content":"Hi"}`,
		`"delta":{"content":" there"}`, `"delta":{},"logprobs":null,"finish_reason":"stop"`, `"choices":[],"usage":{"prompt_tokens"`, `[DONE]`}
	if len(events) != len(want) {
		t.Fatalf("got %d events: %q", len(events), events)
	}
	for i, w := range want {
		if !strings.Contains(events[i], w) {
			t.Errorf("event %d = %s, want it to contain %s", i, events[i], w)
		}
		if i < 4 && !strings.HasSuffix(events[i], `"usage":null}`) {
			t.Errorf("event %d lacks usage:null: %s", i, events[i])
		}
	}

	for _, ev := range rawStream(t, srv, strings.Replace(req, "%s", "", 1)) {
		if strings.Contains(ev, `"usage"`) {
			t.Errorf("usage without include_usage: %s", ev)
		}
	}
}

func TestOpenAIToolCalls(t *testing.T) {
	srv, _ := NewOpenAI(t, OpenAIConfig{ToolCalls: true})
	client := sdkClient(srv, "k")
	params := userParams("gpt-4o", "weather in Paris")
	params.Tools = []openai.ChatCompletionToolUnionParam{openai.ChatCompletionFunctionTool(openai.FunctionDefinitionParam{Name: "get_weather"})}
	const wantArgs = `{"input":"weather in Paris"}`

	got, err := client.Chat.Completions.New(context.Background(), params)
	if err != nil {
		t.Fatal(err)
	}
	call := got.Choices[0].Message.ToolCalls[0]
	if got.Choices[0].FinishReason != "tool_calls" || !strings.HasPrefix(call.ID, "call_") || call.Function.Name != "get_weather" || call.Function.Arguments != wantArgs {
		t.Errorf("tool call = %+v, finish %q", call, got.Choices[0].FinishReason)
	}

	acc, chunks := sdktest.AccumulateChat(t, client.Chat.Completions.NewStreaming(context.Background(), params))
	streamed := acc.Choices[0].Message.ToolCalls
	if len(streamed) != 1 || streamed[0].Function.Arguments != wantArgs || streamed[0].Function.Name != "get_weather" || chunks < 4 {
		t.Errorf("streamed tool calls = %+v in %d chunks", streamed, chunks)
	}
}

func TestOpenAIAuth(t *testing.T) {
	srv, _ := NewOpenAI(t, OpenAIConfig{APIKey: "sk-right-key-123456"})
	_, err := sdkClient(srv, "sk-wrong-key-999999").Chat.Completions.New(context.Background(), userParams("gpt-4o", "x"))
	var apiErr *openai.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 || apiErr.Code != "invalid_api_key" {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(apiErr.Message, "sk-wrong-key-999999") || !strings.Contains(apiErr.Message, "9999") {
		t.Errorf("message should show a masked key: %q", apiErr.Message)
	}

	azure, rec := NewOpenAI(t, OpenAIConfig{APIKey: "azure-key", AuthHeader: "api-key"})
	req, _ := http.NewRequest(http.MethodPost, azure.URL+"/openai/deployments/d1/chat/completions?api-version=2024-10-21",
		strings.NewReader(`{"model":"gpt-4o","messages":[{"role":"user","content":"x"}]}`))
	req.Header.Set("api-key", "azure-key")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || rec.Last().Path != "/openai/deployments/d1/chat/completions?api-version=2024-10-21" {
		t.Errorf("azure-style request: %d %s", resp.StatusCode, rec.Last().Path)
	}
}

func TestOpenAIFailFirstThenSucceed(t *testing.T) {
	srv, rec := NewOpenAI(t, OpenAIConfig{Fail: OpenAIErrorFor(429), FailFirst: 2})
	body := `{"model":"gpt-4o","messages":[{"role":"user","content":"x"}]}`
	for i, want := range []int{429, 429, 200} {
		resp, err := http.Post(srv.URL+"/v1/chat/completions", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("request %d: status %d, want %d", i, resp.StatusCode, want)
		}
		if want == 429 && (resp.Header.Get("Retry-After") != "1" || resp.Header.Get("Retry-After-Ms") != "1000") {
			t.Errorf("429 headers = %v", resp.Header)
		}
	}
	if rec.Count() != 3 {
		t.Errorf("recorded %d", rec.Count())
	}
}

func TestOpenAIErrorBodies(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 429, 500, 502, 503, 504} {
		srv, _ := NewOpenAI(t, OpenAIConfig{Fail: OpenAIErrorFor(status)})
		_, err := sdkClient(srv, "k").Chat.Completions.New(context.Background(), userParams("gpt-4o", "x"))
		var apiErr *openai.Error
		if !errors.As(err, &apiErr) || apiErr.StatusCode != status || apiErr.Message == "" || apiErr.Type == "" {
			t.Errorf("%d: err = %v", status, err)
		}
	}
	srv, _ := NewOpenAI(t, OpenAIConfig{Fail: OpenAIQuotaError()})
	_, err := sdkClient(srv, "k").Chat.Completions.New(context.Background(), userParams("gpt-4o", "x"))
	var apiErr *openai.Error
	if !errors.As(err, &apiErr) || apiErr.Code != "insufficient_quota" || apiErr.StatusCode != 429 {
		t.Errorf("quota: err = %v", err)
	}
}

func TestOpenAIStreamKnobs(t *testing.T) {
	const body = `{"model":"gpt-4o","messages":[{"role":"user","content":"a b c d"}],"stream":true}`
	srv, _ := NewOpenAI(t, OpenAIConfig{TruncateAfter: 2})
	if events := rawStream(t, srv, body); len(events) != 2 || strings.Contains(events[1], "[DONE]") {
		t.Errorf("truncated stream: %q", events)
	}
	srv, _ = NewOpenAI(t, OpenAIConfig{StreamError: OpenAIErrorFor(500), StreamErrorAfter: 1})
	events := rawStream(t, srv, body)
	if len(events) != 2 || !strings.HasPrefix(events[1], `{"error":{"message":`) {
		t.Errorf("stream with error event: %q", events)
	}
}

func TestOpenAIHoldSeesClientLeave(t *testing.T) {
	hold := make(chan struct{})
	gone := make(chan struct{})
	srv, _ := NewOpenAI(t, OpenAIConfig{Hold: hold, HoldAfter: 1, ClientGone: func(*http.Request) { close(gone) }})
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/v1/chat/completions",
		strings.NewReader(`{"model":"gpt-4o","messages":[{"role":"user","content":"x"}],"stream":true}`))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	line, _ := bufio.NewReader(resp.Body).ReadString('\n')
	if !strings.Contains(line, `"role":"assistant"`) {
		t.Fatalf("first line %q", line)
	}
	cancel()
	<-gone
}

func TestOpenAIValidation(t *testing.T) {
	srv, _ := NewOpenAI(t, OpenAIConfig{})
	for body, code := range map[string]string{
		`{"model":"o3-mini","messages":[{"role":"user","content":"x"}],"max_tokens":5}`:                         "unsupported_parameter",
		`{"model":"gpt-4o","messages":[{"role":"user","content":"x"}],"stream_options":{"include_usage":true}}`: "",
		`{"model":"gpt-4o","messages":[]}`:             "empty_array",
		`{"messages":[{"role":"user","content":"x"}]}`: "",
		`{not json`: "",
	} {
		resp, err := http.Post(srv.URL+"/v1/chat/completions", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		var env struct {
			Error struct {
				Type string  `json:"type"`
				Code *string `json:"code"`
			} `json:"error"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&env)
		resp.Body.Close()
		gotCode := ""
		if env.Error.Code != nil {
			gotCode = *env.Error.Code
		}
		if resp.StatusCode != 400 || env.Error.Type != "invalid_request_error" || gotCode != code {
			t.Errorf("%s: %d %+v", body, resp.StatusCode, env)
		}
	}
	resp, err := http.Post(srv.URL+"/v1/chat/completions", "application/json",
		strings.NewReader(`{"model":"gpt-4o","messages":[{"role":"user","content":"a b c d e"}],"max_tokens":2}`))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Contains(raw, []byte(`"finish_reason": "length"`)) || !bytes.Contains(raw, []byte(`"content": "Echo: a"`)) {
		t.Errorf("max_tokens 2: %s", raw)
	}
}

func TestOpenAIEmbeddingsWithSDK(t *testing.T) {
	srv, _ := NewOpenAI(t, OpenAIConfig{})
	client := sdkClient(srv, "k")
	for _, format := range []openai.EmbeddingNewParamsEncodingFormat{openai.EmbeddingNewParamsEncodingFormatFloat, openai.EmbeddingNewParamsEncodingFormatBase64} {
		got, err := client.Embeddings.New(context.Background(), openai.EmbeddingNewParams{
			Model:          "text-embedding-3-small",
			Input:          openai.EmbeddingNewParamsInputUnion{OfArrayOfStrings: []string{"a", "b c"}},
			EncodingFormat: format,
			Dimensions:     openai.Int(4),
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Data) != 2 || got.Usage.PromptTokens != 3 {
			t.Fatalf("%s: %+v", format, got)
		}
		want := OpenAIVector("b c", 4)
		for i, v := range got.Data[1].Embedding {
			if float32(v) != want[i] {
				t.Errorf("%s: vector[%d] = %v, want %v", format, i, v, want[i])
			}
		}
	}
}

func TestOpenAIImagesAndModels(t *testing.T) {
	srv, _ := NewOpenAI(t, OpenAIConfig{})
	client := sdkClient(srv, "k")
	got, err := client.Images.Generate(context.Background(), openai.ImageGenerateParams{
		Prompt: "a cat", Model: "dall-e-3", N: openai.Int(2), ResponseFormat: openai.ImageGenerateParamsResponseFormatB64JSON,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Data) != 2 || got.Data[0].RevisedPrompt != "a cat" {
		t.Fatalf("images = %+v", got)
	}
	pngBytes, err := base64.StdEncoding.DecodeString(got.Data[0].B64JSON)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(pngBytes)); err != nil {
		t.Errorf("not a PNG: %v", err)
	}
	byURL, err := client.Images.Generate(context.Background(), openai.ImageGenerateParams{Prompt: "a dog", Model: "dall-e-2"})
	if err != nil || !strings.HasPrefix(byURL.Data[0].URL, "https://") {
		t.Errorf("url image: %+v %v", byURL, err)
	}

	models, err := client.Models.List(context.Background())
	if err != nil || len(models.Data) == 0 || models.Data[0].Object != "model" {
		t.Errorf("models: %+v %v", models, err)
	}
}
